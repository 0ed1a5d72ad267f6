import type restify from 'restify';
import { HttpInputError } from '../http-input.ts';
import type { Logger } from '../logger.ts';
import { cookie, readForm, send } from './http.ts';
import { layout } from './html.ts';
import type { Session, SessionStore } from './sessions.ts';
import type { StaffAccountStore } from './staff-accounts.ts';
import { closedView, errorView } from './views/sign-in.ts';

export const SESSION_COOKIE = 'staff_session';

/** A request that went through the guards: the signed-in staff member, the checked form. */
export interface StaffRequest extends restify.Request {
  staff?: Session;
  form?: URLSearchParams;
}

export function staffOf(req: restify.Request): Session {
  const s = (req as StaffRequest).staff;
  if (!s) throw new Error('route registered without requireStaff');
  return s;
}

export function formOf(req: restify.Request): URLSearchParams {
  const f = (req as StaffRequest).form;
  if (!f) throw new Error('route registered without requireForm');
  return f;
}

/**
 * Route-level guards (restify handler chains, callback style: `next(false)` ends the chain once the
 * guard has answered): `server.get('/admin', requireStaff, handler)`.
 */
export function guards(accounts: StaffAccountStore, sessions: SessionStore, logger?: Logger) {
  const closed = (res: restify.Response) => {
    const v = closedView();
    send(res, 503, layout(v.title, v.body));
  };

  /**
   * Signed in, with an account that still exists and a session opened since its password last
   * changed; otherwise a redirect to the sign-in page (401 for non-page requests). 503 while no
   * account exists.
   */
  function requireStaff(req: restify.Request, res: restify.Response, next: restify.Next): void {
    check(req, res).then(
      (go) => (go ? next() : next(false)),
      (err: unknown) => {
        // The store did not answer (database unavailable): refused, never let through.
        logger?.error({ err }, 'console: checking the session failed');
        const v = errorView('Indisponible', 'La console est momentanément indisponible : réessayez dans un instant.');
        send(res, 503, layout(v.title, v.body));
        next(false);
      },
    );
  }

  /** true to go on; false once the refusal is answered. */
  async function check(req: restify.Request, res: restify.Response): Promise<boolean> {
    if ((await accounts.count()) === 0) {
      closed(res);
      return false;
    }
    const session = await sessions.get(cookie(req, SESSION_COOKIE));
    const since = session ? await accounts.validSince(session.login) : undefined;
    if (session && since !== undefined && session.created >= since) {
      (req as StaffRequest).staff = session;
      return true;
    }
    if (session) await sessions.destroy(session.id);
    if ((req.header('accept') ?? '').includes('text/html')) send(res, 302, '', { location: '/admin/login' });
    else {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Cookie realm="console"' });
      res.end(JSON.stringify({ error: 'connexion requise' }));
    }
    return false;
  }

  /** A staff form: parsed, its CSRF token checked — in one place for every POST. */
  function requireForm(req: restify.Request, res: restify.Response, next: restify.Next): void {
    const session = staffOf(req);
    readForm(req).then(
      (f) => {
        if (f.get('csrf') !== session.csrf) {
          const v = errorView('Refusé', 'Jeton de formulaire invalide : rechargez la page et recommencez.');
          send(res, 403, layout(v.title, v.body, session));
          return next(false);
        }
        (req as StaffRequest).form = f;
        return next();
      },
      (err: unknown) => {
        const v = errorView('Refusé', 'Requête invalide.');
        send(res, err instanceof HttpInputError ? err.status : 400, layout(v.title, v.body, session));
        next(false);
      },
    );
  }

  return { requireStaff, requireForm, closed };
}
