import { randomBytes } from 'node:crypto';
import type restify from 'restify';
import { stringify } from 'yaml';
import type { IntentInfo } from '../../intents/nlu/training-data.ts';
import { clientAddress } from '../guards/client-address.ts';
import { HttpInputError, routeParam } from '../http-input.ts';
import { isDatabaseUnreachable } from '../storage/postgres.ts';
import type { Logger } from '../logger.ts';
import { toTranscriptFile, writeCsv } from '../transcripts/export.ts';
import type { ConversationFilter, TranscriptStore } from '../transcripts/store.ts';
import { formOf, guards, SESSION_COOKIE, staffOf } from './guards.ts';
import { CONSOLE_CSS, layout, raw, type ConsolePage, type Html } from './html.ts';
import { ConsoleError, cookie, query, readForm, redirect, send, setCookie } from './http.ts';
import { IntentNames } from './labels.ts';
import type { Retraining } from './retraining.ts';
import { reviewQueue, type ReviewReason } from './review-queue.ts';
import { Sessions, SignInThrottle, type Session, type SessionStore, type ThrottleStore } from './sessions.ts';
import type { StaffAccountStore } from './staff-accounts.ts';
import { statistics } from './statistics.ts';
import { conversationView } from './views/conversation.ts';
import { conversationsView } from './views/conversations.ts';
import { reviewView } from './views/review.ts';
import { errorView, signInView } from './views/sign-in.ts';
import { statisticsView } from './views/statistics.ts';
import { trainingView } from './views/training.ts';

export interface ConsoleOptions {
  store: TranscriptStore;
  accounts: StaffAccountStore;
  logger: Logger;
  /** The intents a message can be assigned to, with their readable names (intents/catalog.yaml). */
  catalog: readonly Pick<IntentInfo, 'id' | 'label'>[];
  /** Words ignored when grouping similar questions (asked for when the statistics page is shown). */
  stopwords: () => ReadonlySet<string>;
  /** Retraining from the console; absent: the page says it is not available. */
  retraining?: Retraining;
  sessions?: SessionStore;
  throttle?: ThrottleStore;
  /** Believe X-Forwarded-For (TRUST_PROXY): only behind a reverse proxy that sets it. */
  trustProxy?: boolean;
  clock?: () => Date;
}

const PAGE_SIZE = 50;
/** The sign-in form's token travels in this cookie and in the form (double submit). */
const SIGN_IN_COOKIE = 'staff_signin';
const DAY = 86_400_000;

/** A date field (YYYY-MM-DD) as the start or end of that day, local time. */
function dateField(v: string | null, end = false): Date | undefined {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const d = new Date(`${v}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The conversations filter from the list's query string (also used by the CSV export). */
function filterFrom(q: URLSearchParams): ConversationFilter {
  const from = dateField(q.get('du'));
  const to = dateField(q.get('au'), true);
  const state = q.get('etat');
  return {
    ...(q.get('canal') ? { channel: q.get('canal')! } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q.get('sans_reponse') === '1' ? { unansweredOnly: true } : {}),
    ...(q.get('avis_negatif') === '1' ? { negativeFeedbackOnly: true } : {}),
    ...(q.get('intention') ? { intent: q.get('intention')! } : {}),
    ...(q.get('texte') ? { text: q.get('texte')!.slice(0, 100) } : {}),
    ...(state === 'relues' ? { reviewed: true } : state === 'a-relire' ? { reviewed: false } : {}),
  };
}

/** Only paths of the console itself are followed after a form (no open redirect). */
function backTo(value: string | null, fallback: string): string {
  return value && /^\/admin(\/[^\s\\]*)?(#[\w-]*)?$/.test(value) && !value.startsWith('//') ? value : fallback;
}

/**
 * The staff console (/admin): sign-in required, closed until a staff account exists, session cookie
 * HttpOnly + SameSite=Strict (+ Secure behind HTTPS), CSRF token on every form (sign-in included),
 * CSP on every page. Pages are views (pure functions of data, ./views) rendered with the escaping
 * `html` template; guards run at route level; one handler turns any failure into a page.
 */
export function registerConsoleRoutes(server: restify.Server, o: ConsoleOptions): void {
  const sessions = o.sessions ?? new Sessions();
  const throttle = o.throttle ?? new SignInThrottle();
  const clock = o.clock ?? (() => new Date());
  const intents = new IntentNames(o.catalog);
  const { requireStaff, requireForm, closed } = guards(o.accounts, sessions, o.logger);

  const render = (
    res: restify.Response,
    status: number,
    view: { title: string; body: Html },
    session?: Session,
    current?: ConsolePage,
    head?: Html,
  ) => send(res, status, layout(view.title, view.body, session, current, head));

  /** The one error handler: a console refusal is explained on a page; anything else is logged, 500. */
  const page =
    (handler: (req: restify.Request, res: restify.Response) => Promise<void> | void) =>
    async (req: restify.Request, res: restify.Response): Promise<void> => {
      try {
        await handler(req, res);
      } catch (err) {
        const session = (req as { staff?: Session }).staff;
        if (res.headersSent) return void o.logger.error({ err }, 'console: failed after answering');
        if (err instanceof ConsoleError)
          return render(
            res,
            err.status,
            errorView(err.status === 404 ? 'Introuvable' : 'Refusé', err.message, err.back),
            session,
          );
        if (err instanceof HttpInputError)
          return render(res, err.status, errorView('Refusé', 'Requête invalide.'), session);
        if (isDatabaseUnreachable(err)) {
          // The shared database is down or restarting: nothing is wrong with the request, try again.
          o.logger.error({ err, path: req.path() }, 'console: the database does not answer');
          return render(
            res,
            503,
            errorView('Indisponible', 'La base de données ne répond pas pour l’instant : réessayez dans un instant.'),
            session,
          );
        }
        o.logger.error({ err, path: req.path() }, 'console: request failed');
        render(
          res,
          500,
          errorView(
            'Erreur',
            'Erreur interne : réessayez ; si elle se répète, les journaux du serveur disent pourquoi.',
          ),
          session,
        );
      }
    };

  /** The « À relire » queue over everything kept (retention bounds it). */
  const queue = async () => {
    const [messages, corrections] = await Promise.all([
      o.store.learnerMessages({ from: new Date(0), to: clock() }),
      o.store.corrections(),
    ]);
    return reviewQueue(messages, corrections);
  };

  server.get('/admin/console.css', async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(CONSOLE_CSS);
  });

  // --- Sign-in -------------------------------------------------------------------------------

  server.get(
    '/admin/login',
    page(async (req, res) => {
      if ((await o.accounts.count()) === 0) return closed(res);
      const csrf = randomBytes(24).toString('base64url');
      const v = signInView({ csrf });
      send(res, 200, layout(v.title, v.body, undefined, '/admin/login'), {
        'set-cookie': setCookie(req, SIGN_IN_COOKIE, csrf, 3600),
      });
    }),
  );

  server.post(
    '/admin/login',
    page(async (req, res) => {
      if ((await o.accounts.count()) === 0) return closed(res);
      const f = await readForm(req);
      const again = (
        status: number,
        d: { failed?: { login: string }; notice?: string },
        headers: Record<string, string> = {},
      ) => {
        const csrf = randomBytes(24).toString('base64url');
        const v = signInView({ csrf, ...d });
        send(res, status, layout(v.title, v.body, undefined, '/admin/login'), {
          'set-cookie': setCookie(req, SIGN_IN_COOKIE, csrf, 3600),
          ...headers,
        });
      };
      const token = cookie(req, SIGN_IN_COOKIE);
      if (!token || f.get('csrf') !== token)
        return again(403, { notice: 'le formulaire a expiré ; saisissez à nouveau vos identifiants.' });
      const login = (f.get('login') ?? '').trim().toLowerCase().slice(0, 200);
      const address = clientAddress(req, o.trustProxy ?? false);
      const { wait, at } = await throttle.reserve(login, address);
      if (wait > 0)
        return again(
          429,
          { notice: `trop de tentatives ; réessayez dans ${Math.ceil(wait / 60)} minute(s).` },
          { 'retry-after': String(wait) },
        );
      if (!(await o.accounts.verify(login, f.get('password') ?? ''))) {
        o.logger.warn({ login: login.slice(0, 40) }, 'console sign-in failed');
        return again(401, { failed: { login } });
      }
      await throttle.succeed(login, address, at);
      const session = await sessions.create(login);
      redirect(res, '/admin', {
        'set-cookie': setCookie(req, SESSION_COOKIE, session.id, Math.floor(sessions.ttlMs / 1000)),
      });
    }),
  );

  server.post(
    '/admin/logout',
    requireStaff,
    requireForm,
    page(async (req, res) => {
      await sessions.destroy(staffOf(req).id);
      redirect(res, '/admin/login', { 'set-cookie': setCookie(req, SESSION_COOKIE, '', 0) });
    }),
  );

  // --- Conversations -------------------------------------------------------------------------

  server.get(
    '/admin',
    requireStaff,
    page(async (req, res) => {
      const q = query(req);
      // Bounded: a page far past the end shows the last one (SQLite cannot take an offset beyond 2^63).
      const asked = Math.max(1, Math.min(1_000_000, Number.parseInt(q.get('page') ?? '1', 10) || 1));
      const filter = filterFrom(q);
      const totals = await o.store.totals(filter);
      const pages = Math.max(1, Math.ceil(totals.conversations / PAGE_SIZE));
      const pageNumber = Math.min(asked, pages);
      const [rows, channels] = await Promise.all([
        o.store.conversations({ ...filter, limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE }),
        o.store.channels(),
      ]);
      render(
        res,
        200,
        conversationsView({ rows, totals, page: pageNumber, pages, pageSize: PAGE_SIZE, query: q, channels, intents }),
        staffOf(req),
        '/admin',
      );
    }),
  );

  server.get(
    '/admin/conversations/:id',
    requireStaff,
    page(async (req, res) => {
      const id = routeParam(req, 'id');
      const entries = await o.store.activities(id);
      if (entries.length === 0)
        throw new ConsoleError(
          404,
          'Conversation introuvable (effacée à la demande de l’apprenant, ou plus ancienne que la durée de conservation).',
          { href: '/admin', label: 'Revenir à la liste des conversations' },
        );
      const items = await queue();
      const reasons = new Map<number, ReviewReason[]>();
      for (const item of items)
        if (item.message.conversationId === id && !item.correction) reasons.set(item.message.seq, item.reasons);
      // Conversations with something still to review, newest first: previous / next around this one.
      const open = [...new Set(items.filter((i) => !i.correction).map((i) => i.message.conversationId))];
      const here = open.indexOf(id);
      const previous = here > 0 ? open[here - 1] : undefined;
      const next = here >= 0 ? open[here + 1] : open[0] !== id ? open[0] : undefined;
      const review = await o.store.reviewOf(id);
      const session = staffOf(req);
      render(
        res,
        200,
        conversationView({
          id,
          entries,
          corrections: new Map((await o.store.corrections()).map((c) => [c.text, c])),
          reasons,
          intents,
          csrf: session.csrf,
          ...(review ? { review } : {}),
          ...(previous ? { previous } : {}),
          ...(next ? { next } : {}),
        }),
        session,
      );
    }),
  );

  server.post(
    '/admin/conversations/:id/revue',
    requireStaff,
    requireForm,
    page(async (req, res) => {
      const id = routeParam(req, 'id');
      const f = formOf(req);
      await o.store.review(id, f.get('revue') === '1', (f.get('note') ?? '').slice(0, 2000), staffOf(req).login);
      redirect(res, `/admin/conversations/${encodeURIComponent(id)}`);
    }),
  );

  /** « Mauvaise réponse » / « Attribuer »: the intent a learner message should have had. */
  server.post(
    '/admin/messages/:seq/correction',
    requireStaff,
    requireForm,
    page(async (req, res) => {
      const f = formOf(req);
      const intent = f.get('intent') ?? '';
      const seq = Number.parseInt(routeParam(req, 'seq'), 10);
      const back = backTo(f.get('retour'), '/admin/a-relire');
      if (!intents.has(intent))
        throw new ConsoleError(400, 'Intention inconnue : choisissez-en une dans la liste.', {
          href: back,
          label: 'Revenir à la page précédente',
        });
      const message = Number.isSafeInteger(seq) ? await o.store.learnerMessage(seq) : undefined;
      if (!message || message.text.trim() === '')
        throw new ConsoleError(404, 'Message introuvable (effacé entre-temps ?).', {
          href: '/admin/a-relire',
          label: 'Revenir à « À relire »',
        });
      await o.store.correct({
        text: message.text,
        intent,
        by: staffOf(req).login,
        conversationId: message.conversationId,
        seq,
      });
      redirect(res, back);
    }),
  );

  server.get(
    '/admin/conversations/:id/transcript',
    requireStaff,
    page(async (req, res) => {
      const id = routeParam(req, 'id');
      const entries = await o.store.activities(id);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${id.replace(/[^A-Za-z0-9_-]+/g, '_')}.transcript"`,
        'cache-control': 'no-store',
      });
      res.end(toTranscriptFile(entries));
    }),
  );

  server.get(
    '/admin/export.csv',
    requireStaff,
    page(async (req, res) => {
      const ids = (await o.store.conversations(filterFrom(query(req)))).map((c) => c.conversationId);
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="transcripts.csv"',
        'cache-control': 'no-store',
      });
      await writeCsv(res, ids, (id) => o.store.activities(id));
    }),
  );

  // --- À relire ------------------------------------------------------------------------------

  server.get(
    '/admin/a-relire',
    requireStaff,
    page(async (req, res) => {
      const tab = query(req).get('etat') === 'corrigees' ? 'corrected' : 'open';
      const items = await queue();
      const open = items.filter((i) => !i.correction);
      const corrected = items.filter((i) => i.correction);
      const session = staffOf(req);
      render(
        res,
        200,
        reviewView({
          items: (tab === 'open' ? open : corrected).slice(0, 500),
          tab,
          counts: { open: open.length, corrected: corrected.length },
          intents,
          csrf: session.csrf,
        }),
        session,
        '/admin/a-relire',
      );
    }),
  );

  // The inbox's former address.
  server.get(
    '/admin/sans-reponse',
    requireStaff,
    page((_req, res) => send(res, 301, '', { location: '/admin/a-relire' })),
  );

  // --- Statistiques --------------------------------------------------------------------------

  server.get(
    '/admin/statistiques',
    requireStaff,
    page(async (req, res) => {
      const q = query(req);
      const now = clock();
      const to = dateField(q.get('au'), true) ?? new Date(new Date(now).setHours(23, 59, 59, 999));
      const asked = dateField(q.get('du')) ?? new Date(new Date(to.getTime() - 29 * DAY).setHours(0, 0, 0, 0));
      // At most two years at once, and never a window that ends before it starts.
      const from = new Date(Math.max(Math.min(asked.getTime(), to.getTime()), to.getTime() - 731 * DAY));
      const stats = statistics(await o.store.learnerMessages({ from, to }), o.stopwords());
      render(res, 200, statisticsView({ stats, from, to, intents }), staffOf(req), '/admin/statistiques');
    }),
  );

  // --- Entraînement --------------------------------------------------------------------------

  const pending = () => o.retraining?.pending() ?? o.store.corrections();

  server.get(
    '/admin/entrainement',
    requireStaff,
    page(async (req, res) => {
      const session = staffOf(req);
      const [waiting, all] = await Promise.all([pending(), o.store.corrections()]);
      const v = trainingView({
        pending: waiting,
        all: all.length,
        state: o.retraining?.status,
        intents,
        csrf: session.csrf,
        done: query(req).get('fait') === '1',
      });
      // Refreshes itself while measuring: no script is allowed by the CSP, a meta refresh is no script.
      render(
        res,
        200,
        v,
        session,
        '/admin/entrainement',
        v.refresh ? raw('<meta http-equiv="refresh" content="3">') : undefined,
      );
    }),
  );

  server.post(
    '/admin/entrainement/mesurer',
    requireStaff,
    requireForm,
    page(async (_req, res) => {
      if (!o.retraining) throw new ConsoleError(404, 'Le réentraînement n’est pas disponible sur ce serveur.');
      await o.retraining.measure();
      redirect(res, '/admin/entrainement');
    }),
  );

  server.post(
    '/admin/entrainement/confirmer',
    requireStaff,
    requireForm,
    page((req, res) => {
      if (!o.retraining?.confirm())
        throw new ConsoleError(409, 'Rien à mettre en service : mesurez d’abord.', {
          href: '/admin/entrainement',
          label: 'Revenir à l’entraînement',
        });
      o.logger.info({ by: staffOf(req).login }, 'console: new understanding model in service');
      redirect(res, '/admin/entrainement?fait=1');
    }),
  );

  const exportYaml = page(async (_req, res) => {
    const byIntent = new Map<string, string[]>();
    for (const a of await o.store.corrections()) byIntent.set(a.intent, [...(byIntent.get(a.intent) ?? []), a.text]);
    const yaml = [...byIntent].map(([intent, texts]) => stringify({ intent, utterances: texts })).join('---\n');
    res.writeHead(200, {
      'content-type': 'text/yaml; charset=utf-8',
      'content-disposition': 'attachment; filename="phrases-a-ajouter.yaml"',
      'cache-control': 'no-store',
    });
    res.end(
      `# Questions réelles des apprenants (déjà anonymisées), à relire puis ajouter aux fichiers intents/training/<intention>.yaml.\n${yaml}`,
    );
  });
  server.get('/admin/entrainement/phrases.yaml', requireStaff, exportYaml);
  server.get('/admin/sans-reponse/phrases.yaml', requireStaff, exportYaml);
}
