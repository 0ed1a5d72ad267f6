import { Agent, request } from 'node:http';
import { pino } from 'pino';
import { PASSWORD, startConsoleApp, type ConsoleApp } from './console-app.ts';
import { StandInConnector } from './server-process.ts';

/**
 * What the HTTP fuzz tests (fuzz-http, fuzz-replay) hit: the whole server in this process as `npm start`
 * wires it — /api/messages, the local Direct Line, the staff console with one account — a stand-in
 * connector for the bot's replies, a Direct Line token with conversations and a signed-in staff session
 * ready, and every error the server logs kept, since a turn that throws still answers 200 (with the
 * apology) and a fuzz must see it.
 */

export interface Reply {
  status: number;
  body: string;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface FuzzTarget {
  url: string;
  connector: StandInConnector;
  app: ConsoleApp;
  /** Errors (pino level ≥ 50) the server logged since the last `takeErrors()`. */
  takeErrors: () => string[];
  send: (
    method: string,
    path: string,
    o?: { headers?: Record<string, string>; body?: string | Buffer },
  ) => Promise<Reply>;
  directLine: { token: string; conversations: string[] };
  staff: { cookie: string; csrf: string };
  stop: () => Promise<void>;
}

/** Longest a request may take; the slowest honest one (a 100 000-character message) takes well under a second. */
export const BOUND_MS = 5000;

/** A stack trace, or the server's file layout, in what a client reads. */
export const LEAK =
  /\bat .+\.(ts|js|mjs):\d+|node_modules\/|\/src\/\w+\.ts|TypeError|ReferenceError|SyntaxError: Unexpected/;

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const errors: string[] = [];
  // Only what is logged at error level is kept (every refused request logs a warning).
  const logger = pino(
    { level: 'error' },
    {
      write: (line: string) => {
        errors.push(line.slice(0, 2000));
      },
    },
  );
  const connector = new StandInConnector();
  await connector.start();
  const app = await startConsoleApp({ staff: { claire: PASSWORD }, logger });
  // One socket kept alive, as a channel's connection pool would: thousands of cases without a handshake each.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const base = new URL(app.url);

  const send: FuzzTarget['send'] = (method, path, o = {}) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          agent,
          headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...o.headers },
          timeout: BOUND_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
              headers: res.headers,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`no answer within ${BOUND_MS} ms: ${method} ${path.slice(0, 100)}`)),
      );
      req.on('error', reject);
      req.end(body);
    });

  // A learner of the widget: a token (rate-limited per address, so taken once) and two conversations.
  const token = (JSON.parse((await send('POST', '/api/directline/token')).body) as { token: string }).token;
  const conversations: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await send('POST', '/v3/directline/conversations', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    conversations.push((JSON.parse(r.body) as { conversationId: string }).conversationId);
  }

  // A signed-in staff member: the session cookie and the forms' CSRF token (read from a page).
  const form = await send('GET', '/admin/login');
  const signInToken = String(form.headers['set-cookie']).match(/staff_signin=([^;]+)/)![1]!;
  const signInCsrf = form.body.match(/name="csrf" value="([^"]+)"/)![1]!;
  const signedIn = await send('POST', '/admin/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `staff_signin=${signInToken}` },
    body: new URLSearchParams({ login: 'claire', password: PASSWORD, csrf: signInCsrf }).toString(),
  });
  const cookie = String(signedIn.headers['set-cookie']).match(/staff_session=[^;]+/)![0];
  const page = await send('GET', '/admin/a-relire', { headers: { cookie } });
  const csrf =
    page.body.match(/name="csrf" value="([^"]+)"/)?.[1] ??
    (await send('GET', '/admin/entrainement', { headers: { cookie } })).body.match(/name="csrf" value="([^"]+)"/)![1]!;

  return {
    url: app.url,
    connector,
    app,
    send,
    takeErrors: () => errors.splice(0),
    directLine: { token, conversations },
    staff: { cookie, csrf },
    stop: async () => {
      agent.destroy();
      await app.stop();
      await connector.stop();
    },
  };
}

/** Path segments from generated strings: a lone surrogate cannot be percent-encoded, a client would send U+FFFD. */
export function pathPart(s: string): string {
  return encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}

/**
 * The invariant every case must keep: an expected status (never a 5xx but the protocol's 501 for an
 * invoke nobody handles, where the case allows it), nothing of the server's insides in the answer, an
 * answer within the bound, no error logged (a turn that threw answers 200 with the apology). Returns
 * a description of the first breach, or undefined. That the server still answers afterwards is what
 * the next case's bounded request checks; `checkHealth` adds the health check itself.
 */
export async function breach(
  target: FuzzTarget,
  reply: Reply,
  allowed: readonly number[],
  o: { checkHealth?: boolean; recorded?: boolean } = {},
): Promise<string | undefined> {
  const errors = target.takeErrors();
  if (errors.length > 0) return `the server logged an error (status ${reply.status}): ${errors[0]}`;
  if (!allowed.includes(reply.status))
    return `status ${reply.status}, expected ${allowed.join(' or ')}: ${reply.body.slice(0, 300)}`;
  // A staff export (`recorded`) holds what was recorded, the error entries of failed turns included, by design.
  const leak = o.recorded ? null : reply.body.match(LEAK);
  if (leak) return `internal detail in the answer (« ${leak[0]} »): ${reply.body.slice(0, 300)}`;
  if (reply.ms > BOUND_MS) return `answered in ${Math.round(reply.ms)} ms`;
  if (o.checkHealth) {
    const health = await target.send('GET', '/healthz');
    if (health.status !== 200) return `health check answered ${health.status} afterwards`;
  }
  return undefined;
}
