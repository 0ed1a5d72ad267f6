import { join } from 'node:path';
import { once } from 'node:events';
import { loadConfig } from '../src/config.ts';
import { createAdapter } from '../src/adapter.ts';
import { createAssistant } from '../src/assistant.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { createServer } from '../src/server.ts';
import { LiveUnderstander } from '../src/retraining.ts';
import { assignedSentences, consoleOptions } from '../src/console/setup.ts';
import type { Evaluate } from '../src/console/retraining.ts';
import { trainUnderstander } from '../src/retraining.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { measureFamilies } from '../eval/measure.ts';
import { StaffAccounts } from '../src/console/staff-accounts.ts';
import { Sessions, SignInThrottle } from '../src/console/sessions.ts';
import { LocalDirectLine } from '../src/directline/local-direct-line.ts';
import { LocalTokens } from '../src/directline/tokens.ts';
import { serviceUrlPolicy } from '../src/guards/service-urls.ts';
import { TranscriptRecorder } from '../src/transcripts/recorder.ts';
import { SqliteTranscriptStore } from '../src/transcripts/sqlite-store.ts';
import { PostgresTranscriptStore } from '../src/transcripts/postgres-store.ts';
import type { TranscriptStore } from '../src/transcripts/store.ts';
import type pg from 'pg';
import type { Understander } from '../intents/nlu/understand.ts';
import { sharedData, sharedUnderstander, TODAY } from './helpers.ts';
import { tempDir } from './temp.ts';

export const PASSWORD = 'mot-de-passe-solide-42';

export interface ConsoleApp {
  url: string;
  store: TranscriptStore;
  /** Wait for it before reading what a turn recorded (writes never hold the turn). */
  recorder: TranscriptRecorder;
  accounts: StaffAccounts;
  live: LiveUnderstander;
  stop: () => Promise<void>;
}

export interface ConsoleAppOptions {
  /** Accounts created before start (login → password); none: the console is closed. */
  staff?: Record<string, string>;
  evaluate?: Evaluate;
  trustProxy?: boolean;
  throttle?: SignInThrottle;
  /** Train understanding for this app (retraining tests switch it; the shared one must stay untouched). */
  understander?: Understander;
  /** Where the server logs (silent by default); the fuzz tests read its errors. */
  logger?: Logger;
  /** Transcripts in PostgreSQL on this pool (another instance may share it), instead of a SQLite file. */
  transcriptsPool?: pg.Pool;
}

/**
 * The whole server in this process — adapter, recorder, real SQLite, the console, the local Direct
 * Line — as `npm start` wires it (src/console/setup.ts), listening on a loopback port chosen by the
 * system. Faster than spawning `tsx src/main.ts`, and the test holds the store and the clock.
 */
export async function startConsoleApp(o: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const dir = tempDir('console-app-');
  const config = loadConfig({
    MicrosoftAppId: '',
    LOG_LEVEL: 'silent',
    TRANSCRIPTS_FILE: join(dir, 't.sqlite'),
    STAFF_FILE: join(dir, 's.sqlite'),
    STATE_FILE: join(dir, 'state.sqlite'),
  });
  const logger = o.logger ?? createLogger('silent');
  const accounts = new StaffAccounts(config.STAFF_FILE);
  for (const [login, password] of Object.entries(o.staff ?? {})) await accounts.add(login, password);
  const store: TranscriptStore = o.transcriptsPool
    ? new PostgresTranscriptStore(o.transcriptsPool)
    : new SqliteTranscriptStore(config.TRANSCRIPTS_FILE);
  const learnt = await assignedSentences(store);
  const live = new LiveUnderstander(o.understander ?? sharedUnderstander());
  const assistant = createAssistant({ clock: () => TODAY, understander: live.understander, data: sharedData() });
  const adapter = createAdapter(config, assistant, logger);
  const recorder = new TranscriptRecorder(store, { pseudonymKey: 'clef-de-test-0123456789abcdef', logger });
  adapter.use(recorder);
  let port = 0;
  const tokens = new LocalTokens();
  const server = createServer({
    adapter,
    assistant,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    serviceUrls: serviceUrlPolicy(config.ALLOWED_SERVICE_URLS),
    web: {
      page: { title: 'Test', accentColor: '#1F4E8C' },
      directLineDomain: config.DIRECT_LINE_DOMAIN,
      trustProxy: false,
      tokens,
      localDirectLine: new LocalDirectLine(tokens, () => `http://127.0.0.1:${port}`),
    },
    console: {
      ...consoleOptions({
        store,
        accounts,
        logger,
        live,
        learnt,
        trustProxy: o.trustProxy ?? false,
        ...(o.evaluate ? { evaluate: o.evaluate } : {}),
      }),
      sessions: new Sessions(),
      ...(o.throttle ? { throttle: o.throttle } : {}),
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    recorder,
    accounts,
    live,
    stop: async () => {
      server.server.closeAllConnections();
      await new Promise<void>((r) => {
        server.close(() => r());
      });
      await recorder.idle();
      await store.close();
      accounts.close();
    },
  };
}

/**
 * What « Réentraîner » measures — `npm run eval -- --json` on one family of a set (eval/measure.ts) —
 * in this process, where the model in service without assigned sentences is this worker's (the same
 * training): one training instead of a process start and two. test/console.test.ts measures with the
 * real child process (evalInChildProcess).
 */
export function evalInProcess(set: string, family: string): Evaluate {
  const dir = join(INTENTS_DIR, set);
  return async (live, candidate) => ({
    set,
    before: await measureFamilies(dir, live.length === 0 ? sharedUnderstander() : trainUnderstander(live), family),
    after: await measureFamilies(dir, trainUnderstander([...live, ...candidate]), family),
  });
}

/** Signs in as a browser would: the form (and its token cookie) first, then the post. */
export async function signIn(
  url: string,
  login = 'claire',
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = await fetch(`${url}/admin/login`, { headers });
  const token = form.headers.get('set-cookie')?.match(/staff_signin=([^;]+)/)?.[1] ?? '';
  const csrf = (await form.text()).match(/name="csrf" value="([^"]+)"/)?.[1] ?? '';
  return fetch(`${url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `staff_signin=${token}`, ...headers },
    body: new URLSearchParams({ login, password, csrf }).toString(),
  });
}

export async function sessionCookie(url: string, login = 'claire', password = PASSWORD): Promise<string> {
  const r = await signIn(url, login, password);
  const c = r.headers.get('set-cookie')?.match(/staff_session=[^;]+/)?.[0];
  if (!c) throw new Error(`sign-in failed: ${r.status}`);
  return c;
}
