import type restify from 'restify';
import { ConfigError, clockFrom, type Config } from './config.ts';
import { createAdapter } from './adapter.ts';
import { dirname, relative, resolve } from 'node:path';
import {
  createAssistant,
  DEFAULT_KNOWLEDGE_FILE,
  loadAssistantData,
  type Assistant,
  type AssistantData,
} from './assistant.ts';
import { ASSISTANT_CLASSES } from './cache/assistant-classes.ts';
import { PROJECT_ROOT, PROJECT_SOURCES, type StartCache } from './cache/start-cache.ts';
import type { Logger } from './logger.ts';
import { createServer, stopAccepting } from './server.ts';
import { setUpTranscripts } from './transcripts/setup.ts';
import type { TranscriptRecorder } from './transcripts/recorder.ts';
import type { TranscriptStore } from './transcripts/store.ts';
import { StaffAccounts } from './console/staff-accounts.ts';
import type { Evaluate } from './console/retraining.ts';
import { assignedSentences, consoleOptions } from './console/setup.ts';
import { LiveUnderstander, trainUnderstander } from './retraining.ts';
import { LocalDirectLine } from './directline/local-direct-line.ts';
import { LocalTokens } from './directline/tokens.ts';
import { serviceUrlPolicy } from './guards/service-urls.ts';
import { openStateStores, type StateStores } from './storage/setup.ts';
import { forgivingWelcomeClaims } from './storage/forgiving-welcome-claims.ts';
import { TurnRunner } from './turns/turn-runner.ts';
import type { Example } from '../intents/nlu/training-data.ts';
import type { Understander } from '../intents/nlu/understand.ts';

export interface AppDeps {
  logger: Logger;
  /**
   * Trains understanding on intents/ plus the sentences staff assigned in the console (a second or
   * two). Tests pass one that reuses a model already trained on the same sentences.
   */
  train?: (assigned: readonly Example[], sheetIntentsDir?: string) => Understander;
  /** How the console's « Réentraîner » measures a candidate; `npm run eval` on the held-out set by default. */
  evaluate?: Evaluate;
  /**
   * The checked data and the trained understanding kept between starts (CACHE_DIR, src/main.ts);
   * without it both are built at every start. Not used for training when `train` is given.
   */
  cache?: StartCache;
  /**
   * What time it is for the expiry of idle conversation state (STATE_TTL_HOURS): the real time by
   * default; a test moves it past the time to live instead of waiting for it.
   */
  stateClock?: () => Date;
}

export interface App {
  /** Routes registered, not listening yet. */
  server: restify.Server;
  assistant: Assistant;
  turns: TurnRunner;
  state: StateStores;
  transcripts: { store: TranscriptStore; recorder: TranscriptRecorder; stop: () => Promise<boolean> };
  live: LiveUnderstander;
  /**
   * Listens on HOST and `port` (PORT by default; 0: a free one the system picks) and resolves with the
   * port. A port in use, or an address that is not this machine's, is a ConfigError naming the key.
   */
  listen: (port?: number) => Promise<number>;
  /**
   * What SIGTERM does: requests still arriving get 503 and the port closes, the turns in flight finish
   * and their replies leave (10 s at most), the transcripts' journal is flushed, the stores are closed.
   * Resolves with whether nothing is left waiting in the journal.
   */
  close: () => Promise<{ transcriptsFlushed: boolean }>;
}

/**
 * The whole assistant from a validated configuration — stores, understanding, the bot, the adapter with
 * the transcript recorder, the HTTP routes (Bot Framework, widget and Direct Line, staff console) —
 * without listening and without touching the process (signals, exit): `npm start` (src/main.ts) and
 * the tests build it the same way.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const { logger } = deps;
  // The data and its wiring are checked first, before stores open and understanding trains: a broken
  // reference stops the start at once, in one line.
  const data = checkedData(config.KNOWLEDGE_FILE, deps.cache);
  const state = await openStateStores({
    databaseUrl: config.DATABASE_URL,
    stateFile: config.STATE_FILE,
    ttlMs: config.STATE_TTL_HOURS * 3_600_000,
    ...(deps.stateClock ? { clock: deps.stateClock } : {}),
  });
  const { storage, welcomes } = state;
  if (state.backend === 'postgres') {
    logger.info(
      'DATABASE_URL: conversation state, welcome claims, transcripts, staff accounts, sessions and sign-in counters in PostgreSQL, shared by every instance',
    );
  }
  // The periodic clean-ups log a failure (database briefly unavailable) and try again next time.
  const timers: NodeJS.Timeout[] = [];
  const every = (what: string, ms: number, run: () => Promise<void>) => {
    const once = () => run().catch((err: unknown) => logger.error({ err }, `${what} failed; will try again`));
    void once();
    timers.push(setInterval(() => void once(), ms).unref());
  };
  // Claims live as long as transcripts do, so the table does not grow with every Web Chat visit.
  every('forgetting old welcome claims', 86_400_000, async () => {
    await state.forgetWelcomes(new Date(Date.now() - config.TRANSCRIPT_RETENTION_DAYS * 86_400_000));
  });
  every('purging idle conversation state', Math.min(3_600_000, config.STATE_TTL_HOURS * 3_600_000), async () => {
    const removed = await state.purgeIdleState();
    if (removed > 0) logger.info({ removed, ttlHours: config.STATE_TTL_HOURS }, 'idle conversation state purged');
  });
  // With DATABASE_URL transcripts are in PostgreSQL too; TRANSCRIPTS_FILE's folder keeps this instance's
  // journal (entries waiting while the database is unreachable) and, when not configured, the pseudonym key.
  const transcripts = await openingAsync('TRANSCRIPTS_FILE', config.TRANSCRIPTS_FILE, () =>
    setUpTranscripts(
      {
        file: config.TRANSCRIPTS_FILE,
        retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
        ...(config.TRANSCRIPT_PSEUDONYM_KEY ? { pseudonymKey: config.TRANSCRIPT_PSEUDONYM_KEY } : {}),
        ...(state.pool ? { pool: state.pool } : {}),
      },
      logger,
    ),
  );
  // Understanding learns the sentences staff assigned in the console too, and can be retrained live.
  const learnt = await assignedSentences(transcripts.store);
  // The sheet served may bring intents of its own (document.intents): understanding learns them too.
  const sheetIntents = data.kb.intentsDir;
  const train =
    deps.train ??
    ((assigned: readonly Example[], dir?: string) =>
      deps.cache
        ? deps.cache.get('understanding', ASSISTANT_CLASSES, () => trainUnderstander(assigned, dir), {
            files: dir ? [dir] : [],
            inputs: { assigned, dir: dir ?? null },
          }).value
        : trainUnderstander(assigned, dir));
  const live = new LiveUnderstander(train(learnt, sheetIntents));
  const assistant = createAssistant({
    data,
    links: config.links,
    contact: config.contact,
    retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
    ...(config.ORG_PRIVACY_URL ? { privacyUrl: config.ORG_PRIVACY_URL } : {}),
    clock: clockFrom(config),
    welcomes: forgivingWelcomeClaims(welcomes, logger),
    understander: live.understander,
    storage,
    // Learners are still answered (see AssistantBot.run); the operator learns the store is failing.
    onStateFailure: (what, err, context) =>
      logger.error(
        { err, conversation: context.activity.conversation?.id, channel: context.activity.channelId },
        what === 'read'
          ? 'conversation state unreadable (store unavailable): answered without it'
          : 'conversation state not saved (store unavailable): the stored state stays the one before the turn',
      ),
  });
  const turns = new TurnRunner(assistant.bot, { logger });
  const adapter = createAdapter(config, assistant, logger);
  // Every activity of every channel goes through this adapter, so through the recorder.
  adapter.use(transcripts.recorder);
  let port = config.PORT;
  const tokens = new LocalTokens();
  const staffAccounts = state.staff ?? {
    accounts: opening('STAFF_FILE', config.STAFF_FILE, () => new StaffAccounts(config.STAFF_FILE)),
  };
  const server = createServer({
    adapter,
    assistant,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    turns,
    ...(config.localMode ? { serviceUrls: serviceUrlPolicy(config.ALLOWED_SERVICE_URLS) } : {}),
    web: {
      page: {
        title: config.WIDGET_TITLE,
        accentColor: config.WIDGET_ACCENT_COLOR,
        ...(config.WIDGET_LOGO_URL ? { logoUrl: config.WIDGET_LOGO_URL } : {}),
      },
      ...(config.DIRECT_LINE_SECRET ? { directLineSecret: config.DIRECT_LINE_SECRET } : {}),
      directLineDomain: config.DIRECT_LINE_DOMAIN,
      trustProxy: config.TRUST_PROXY,
      tokens,
      // The local Direct Line reaches the bot on loopback, whatever address the server listens on.
      localDirectLine: new LocalDirectLine(tokens, () => `http://127.0.0.1:${port}`),
    },
    console: consoleOptions({
      store: transcripts.store,
      ...staffAccounts,
      logger,
      live,
      learnt,
      trustProxy: config.TRUST_PROXY,
      ...(sheetIntents ? { sheetIntents } : {}),
      ...(deps.evaluate ? { evaluate: deps.evaluate } : {}),
    }),
  });
  if (!config.localMode && !config.DIRECT_LINE_SECRET) {
    // The local Direct Line posts unauthenticated activities, which a registered bot refuses.
    logger.warn(
      'website widget: set DIRECT_LINE_SECRET (Azure Bot > Channels > Direct Line) when MicrosoftAppId is set',
    );
  }

  let closing: Promise<{ transcriptsFlushed: boolean }> | undefined;
  const close = async (): Promise<{ transcriptsFlushed: boolean }> => {
    for (const timer of timers) clearInterval(timer);
    stopAccepting(server);
    const closed = new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
    // Keep-alive sockets would hold close() open; streams of the local Direct Line may never end.
    server.server.closeIdleConnections();
    const late = setTimeout(
      () => logger.warn({ turnsInFlight: turns.inFlightCount }, 'turns still running after 10 s: stopping anyway'),
      10_000,
    );
    const bounds: NodeJS.Timeout[] = [];
    const after = (ms: number) =>
      new Promise((r) => {
        bounds.push(setTimeout(r, ms));
      });
    await Promise.race([
      // Every turn over, and the HTTP answers written (the adapter answers right after the turn).
      turns.idle().then(() => Promise.race([closed, after(1000)])),
      after(10_000),
    ]);
    clearTimeout(late);
    for (const bound of bounds) clearTimeout(bound);
    const transcriptsFlushed = await transcripts.stop().catch((err: unknown) => {
      logger.error({ err }, 'closing the transcript store failed');
      return false;
    });
    await state.close().catch((err: unknown) => logger.error({ err }, 'closing the state store failed'));
    if (!state.staff) (staffAccounts.accounts as StaffAccounts).close();
    return { transcriptsFlushed };
  };

  return {
    server,
    assistant,
    turns,
    state,
    transcripts,
    live,
    listen: (at = config.PORT) =>
      new Promise<number>((resolve, reject) => {
        // restify re-emits the HTTP server's errors on itself (unhandled, they would crash with a stack trace).
        server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, at, config.host)));
        server.listen(at, config.host, () => {
          port = server.address().port;
          resolve(port);
        });
      }),
    close: () => (closing ??= close()),
  };
}

/**
 * The knowledge base, wording and intents, loaded and their wiring checked (loadAssistantData), or read
 * back from the cache when none of the files they come from changed — the knowledge file's folder
 * and the project's sources (its own sheet and intents live there). A sheet whose own intents live
 * elsewhere is loaded, not cached.
 */
function checkedData(knowledgeFile = DEFAULT_KNOWLEDGE_FILE, cache: StartCache | undefined): AssistantData {
  if (!cache) return loadAssistantData(knowledgeFile);
  const folder = dirname(resolve(knowledgeFile));
  const data = cache.get('data', ASSISTANT_CLASSES, () => loadAssistantData(knowledgeFile), {
    files: [folder],
    inputs: resolve(knowledgeFile),
  }).value;
  const own = data.kb.intentsDir;
  const inside = (dir: string) => !relative(dir, own ?? dir).startsWith('..');
  const counted = [folder, ...PROJECT_SOURCES.map((source) => resolve(PROJECT_ROOT, source))];
  return own === undefined || counted.some(inside) ? data : loadAssistantData(knowledgeFile);
}

/** A database file that cannot be opened stops the start with the key to fix, not a stack trace. */
function opening<T>(key: string, file: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    throw new ConfigError(`${key}=${file}: cannot open it (${(err as Error).message})`);
  }
}

/** The same for a store that opens asynchronously (transcripts: the journal an earlier run left is written first). */
async function openingAsync<T>(key: string, file: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    throw new ConfigError(`${key}=${file}: cannot open it (${(err as Error).message})`);
  }
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE')
    return new ConfigError(`PORT=${port}: already in use on ${host} (another assistant running?)`);
  if (err.code === 'EACCES')
    return new ConfigError(`PORT=${port}: not allowed for this user (ports below 1024 need privileges)`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return new ConfigError(`HOST=${host}: not an address of this machine`);
  return err;
}

/**
 * What `npm start` prints when the start fails on a configuration or data error: one line naming the
 * key or the file to fix, no stack trace. Undefined for other errors (printed whole).
 */
export function startFailureLine(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof ConfigError || /\.(ya?ml|json)\b/.test(message) ? `Cannot start: ${message}` : undefined;
}
