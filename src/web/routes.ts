import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type restify from 'restify';
import { generateToken, refreshToken } from '../directline/azure-tokens.ts';
import { DirectLineError, LocalDirectLine, type DlActivity } from '../directline/local-direct-line.ts';
import type { LocalTokens } from '../directline/tokens.ts';
import { clientAddress, isLocalRequest } from '../guards/client-address.ts';
import { RateLimit } from '../guards/rate-limit.ts';
import { HttpInputError, readBody, routeParam } from '../http-input.ts';
import type { Logger } from '../logger.ts';
import { APP_JS, renderPage, type PageOptions } from './page.ts';

export interface WebOptions {
  page: Omit<PageOptions, 'mode'>;
  /** Production: Azure Direct Line secret and domain. Absent: the local Direct Line serves the page. */
  directLineSecret?: string;
  directLineDomain: string;
  localDirectLine: LocalDirectLine;
  tokens: LocalTokens;
  logger: Logger;
  maxBodyBytes: number;
  /** Believe X-Forwarded-For for client addresses (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Tokens and new conversations per client address and minute (a page needs one or two). */
  tokensPerMinute?: number;
}

const WEBCHAT_JS = fileURLToPath(new URL('../../node_modules/botframework-webchat/dist/webchat.js', import.meta.url));

function bearer(req: restify.Request): string | undefined {
  const h = req.header('authorization');
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** GET / (Web Chat page), its scripts, the token endpoint and, in local mode, Direct Line. */
export function registerWebRoutes(server: restify.Server, o: WebOptions): void {
  const mode = o.directLineSecret ? 'azure' : 'local';
  const page = renderPage({ ...o.page, mode });
  let webchat: { raw: Buffer; gzip: Buffer } | undefined; // read on first request, kept in memory

  const fail = (res: restify.Response, err: unknown) => {
    const status = err instanceof DirectLineError || err instanceof HttpInputError ? err.status : 500;
    if (status >= 500) o.logger.error({ err }, 'web route failed');
    res.send(status, { error: status >= 500 ? 'internal error' : (err as Error).message });
  };
  const json = async (req: restify.Request): Promise<DlActivity> => {
    const raw = await readBody(req, o.maxBodyBytes);
    if (!raw.trim()) return {};
    try {
      const body = JSON.parse(raw) as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error();
      return body as DlActivity;
    } catch {
      throw new HttpInputError(400, 'body is not a JSON object');
    }
  };

  // Web Chat styles itself with inline <style> elements; scripts come from this server only; the page
  // talks to this server (local Direct Line) or to Azure's Direct Line (HTTPS and its WebSocket).
  const dlOrigin = o.directLineSecret ? new URL(o.directLineDomain).origin : '';
  const logoOrigin = o.page.logoUrl ? new URL(o.page.logoUrl).origin : '';
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${logoOrigin ? ` ${logoOrigin}` : ''}`,
    `connect-src 'self'${dlOrigin ? ` ${dlOrigin} ${dlOrigin.replace(/^https/, 'wss')}` : ''}`,
    "font-src 'self' data:",
    "media-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
  const security = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  server.get('/', async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...security });
    res.end(page);
  });
  server.get('/favicon.ico', async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(204);
    res.end();
  });
  server.get('/webchat/app.js', async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(APP_JS);
  });
  server.get('/webchat/webchat.js', async (req: restify.Request, res: restify.Response) => {
    if (!webchat) {
      const raw = readFileSync(WEBCHAT_JS);
      webchat = { raw, gzip: gzipSync(raw) };
    }
    const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      // Caches must keep the gzip and the plain copy apart.
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gzip ? webchat.gzip : webchat.raw);
  });

  // Tokens and conversations cost the server (and, with Azure, the Direct Line quota): a page needs one
  // or two a minute; a client asking for thousands is refused with 429.
  const limit = new RateLimit(o.tokensPerMinute ?? 30, 60_000);
  const limited = (req: restify.Request, res: restify.Response): boolean => {
    const wait = limit.take(clientAddress(req, o.trustProxy ?? false));
    if (wait === 0) return false;
    res.header('retry-after', String(wait));
    res.send(429, { error: 'too many requests' });
    return true;
  };

  // A token bound to a user id chosen here (never the page's), short-lived, refreshable.
  server.post('/api/directline/token', async (req: restify.Request, res: restify.Response) => {
    if (limited(req, res)) return;
    // Azure's Direct Line binds the user id into the token only when it starts with "dl_" (enhanced
    // authentication); without the prefix the token is not bound and a page may send as anyone. Web
    // Chat reads a "dl_" id only from a token that embeds it, so the local Direct Line (whose tokens
    // Web Chat cannot read) keeps another prefix, and binds the id itself (see tokens.ts).
    const userId = o.directLineSecret ? `dl_${randomUUID()}` : `learner-${randomUUID()}`;
    try {
      if (o.directLineSecret) {
        const t = await generateToken(o.directLineDomain, o.directLineSecret, userId);
        res.send(200, { token: t.token, expires_in: t.expires_in, userId, domain: o.directLineDomain });
      } else {
        res.send(200, { ...o.tokens.issue(userId), userId });
      }
    } catch (err) {
      fail(res, err);
    }
  });
  server.post('/api/directline/token/refresh', async (req: restify.Request, res: restify.Response) => {
    try {
      const token = bearer(req);
      if (!token) throw new HttpInputError(401, 'missing Bearer token');
      if (o.directLineSecret) {
        const t = await refreshToken(o.directLineDomain, token);
        res.send(200, { token: t.token, expires_in: t.expires_in });
      } else {
        const refreshed = o.tokens.refresh(token);
        if (!refreshed) throw new DirectLineError(403, 'invalid or expired token');
        res.send(200, refreshed);
      }
    } catch (err) {
      fail(res, err);
    }
  });

  if (mode !== 'local') return;
  const dl = o.localDirectLine;
  server.post('/v3/directline/tokens/refresh', async (req: restify.Request, res: restify.Response) => {
    const refreshed = o.tokens.refresh(bearer(req));
    if (!refreshed) return fail(res, new DirectLineError(403, 'invalid or expired token'));
    res.send(200, refreshed);
  });
  server.post('/v3/directline/conversations', async (req: restify.Request, res: restify.Response) => {
    if (limited(req, res)) return;
    try {
      await json(req);
      res.send(201, await dl.start(bearer(req)));
    } catch (err) {
      fail(res, err);
    }
  });
  server.post('/v3/directline/conversations/:id/activities', async (req: restify.Request, res: restify.Response) => {
    try {
      res.send(200, await dl.post(routeParam(req, 'id'), bearer(req), await json(req)));
    } catch (err) {
      fail(res, err);
    }
  });
  server.get('/v3/directline/conversations/:id/activities', async (req: restify.Request, res: restify.Response) => {
    try {
      const watermark = new URL(req.url ?? '/', 'http://x').searchParams.get('watermark') ?? undefined;
      res.send(200, dl.poll(routeParam(req, 'id'), bearer(req), watermark));
    } catch (err) {
      fail(res, err);
    }
  });
  // The bot's replies (its serviceUrl points here); only from this machine.
  const fromBot = async (req: restify.Request, res: restify.Response) => {
    try {
      // The bot's own calls only: a request relayed by a reverse proxy on this host is an outsider's.
      if (!isLocalRequest(req)) throw new DirectLineError(403, 'connector routes are local only');
      res.send(200, dl.receiveFromBot(routeParam(req, 'id'), await json(req)));
    } catch (err) {
      fail(res, err);
    }
  };
  server.post('/directline-connector/v3/conversations/:id/activities', fromBot);
  server.post('/directline-connector/v3/conversations/:id/activities/:replyTo', fromBot);
}
