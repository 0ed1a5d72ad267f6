import { ConfigError, clockFrom, loadConfig, loadDotEnv } from './config.ts';
import { createAdapter } from './adapter.ts';
import { createAssistant } from './assistant.ts';
import { createLogger } from './logger.ts';
import { createServer, stopAccepting } from './server.ts';
import { setUpTranscripts } from './transcripts/setup.ts';
import { StaffAccounts } from './console/staff-accounts.ts';
import { assignedSentences, consoleOptions } from './console/setup.ts';
import { LiveUnderstander, trainUnderstander } from './retraining.ts';
import { LocalDirectLine } from './directline/local-direct-line.ts';
import { LocalTokens } from './directline/tokens.ts';
import { serviceUrlPolicy } from './guards/service-urls.ts';
import { openStateStores } from './storage/setup.ts';
import { TurnRunner } from './turns/turn-runner.ts';

/** npm start: the assistant on http://HOST:PORT/api/messages. */
async function main(): Promise<void> {
  const started = performance.now();
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  for (const warning of config.warnings) logger.warn(warning);
  const state = await openStateStores({ databaseUrl: config.DATABASE_URL, stateFile: config.STATE_FILE, ttlMs: config.STATE_TTL_HOURS * 3_600_000 });
  const { storage, welcomes } = state;
  if (state.backend === 'postgres') {
    logger.info('DATABASE_URL: conversation state, welcome claims, transcripts, staff accounts, sessions and sign-in counters in PostgreSQL, shared by every instance');
  }
  // The periodic clean-ups log a failure (database briefly unavailable) and try again next time.
  const every = (what: string, ms: number, run: () => Promise<void>) => {
    const once = () => run().catch((err: unknown) => logger.error({ err }, `${what} failed; will try again`));
    void once();
    setInterval(once, ms).unref();
  };
  // Claims live as long as transcripts do, so the table does not grow with every Web Chat visit.
  every('forgetting old welcome claims', 86_400_000, async () => { await state.forgetWelcomes(new Date(Date.now() - config.TRANSCRIPT_RETENTION_DAYS * 86_400_000)); });
  every('purging idle conversation state', Math.min(3_600_000, config.STATE_TTL_HOURS * 3_600_000), async () => {
    const removed = await state.purgeIdleState();
    if (removed > 0) logger.info({ removed, ttlHours: config.STATE_TTL_HOURS }, 'idle conversation state purged');
  });
  // With DATABASE_URL transcripts are in PostgreSQL too; TRANSCRIPTS_FILE's folder keeps this instance's
  // journal (entries waiting while the database is unreachable) and, when not configured, the pseudonym key.
  const transcripts = await openingAsync('TRANSCRIPTS_FILE', config.TRANSCRIPTS_FILE, () => setUpTranscripts({
    file: config.TRANSCRIPTS_FILE,
    retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
    ...(config.TRANSCRIPT_PSEUDONYM_KEY ? { pseudonymKey: config.TRANSCRIPT_PSEUDONYM_KEY } : {}),
    ...(state.pool ? { pool: state.pool } : {}),
  }, logger));
  // Understanding learns the sentences staff assigned in the console too, and can be retrained live.
  const learnt = await assignedSentences(transcripts.store);
  const live = new LiveUnderstander(trainUnderstander(learnt));
  const assistant = createAssistant({
    ...(config.KNOWLEDGE_FILE ? { knowledgeFile: config.KNOWLEDGE_FILE } : {}),
    links: config.links,
    contact: config.contact,
    retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
    ...(config.ORG_PRIVACY_URL ? { privacyUrl: config.ORG_PRIVACY_URL } : {}),
    clock: clockFrom(config),
    welcomes,
    understander: live.understander,
    storage,
  });
  const turns = new TurnRunner(assistant.bot, { logger });
  const adapter = createAdapter(config, assistant, logger);
  // Every activity of every channel goes through this adapter, so through the recorder.
  adapter.use(transcripts.recorder);
  let port = config.PORT;
  const tokens = new LocalTokens();
  const server = createServer({
    adapter,
    assistant,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    turns,
    ...(config.localMode ? { serviceUrls: serviceUrlPolicy(config.ALLOWED_SERVICE_URLS) } : {}),
    web: {
      page: { title: config.WIDGET_TITLE, accentColor: config.WIDGET_ACCENT_COLOR, ...(config.WIDGET_LOGO_URL ? { logoUrl: config.WIDGET_LOGO_URL } : {}) },
      ...(config.DIRECT_LINE_SECRET ? { directLineSecret: config.DIRECT_LINE_SECRET } : {}),
      directLineDomain: config.DIRECT_LINE_DOMAIN,
      trustProxy: config.TRUST_PROXY,
      tokens,
      // The local Direct Line reaches the bot on loopback, whatever address the server listens on.
      localDirectLine: new LocalDirectLine(tokens, () => `http://127.0.0.1:${port}`),
    },
    console: consoleOptions({
      store: transcripts.store,
      ...(state.staff ?? { accounts: opening('STAFF_FILE', config.STAFF_FILE, () => new StaffAccounts(config.STAFF_FILE)) }),
      logger, live, learnt, trustProxy: config.TRUST_PROXY,
    }),
  });
  if (!config.localMode && !config.DIRECT_LINE_SECRET) {
    // The local Direct Line posts unauthenticated activities, which a registered bot refuses.
    logger.warn('website widget: set DIRECT_LINE_SECRET (Azure Bot > Channels > Direct Line) when MicrosoftAppId is set');
  }
  await new Promise<void>((resolve, reject) => {
    // restify re-emits the HTTP server's errors on itself (unhandled, they would crash with a stack trace).
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, config.PORT, config.host)));
    server.listen(config.PORT, config.host, resolve);
  });
  port = server.address().port;
  logger.info({
    url: `http://${config.host}:${port}/api/messages`,
    widget: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/`,
    mode: config.localMode ? 'local (no MicrosoftAppId: Bot Framework Emulator, no authentication)' : `Azure Bot (${config.MicrosoftAppType})`,
    startupMs: Math.round(performance.now() - started),
  }, 'assistant ready');

  // SIGTERM (systemd, Docker, Kubernetes) or Ctrl+C: stop accepting, let the turns in flight finish
  // and their replies leave, write what the transcripts hold, close the stores, exit 0.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, turnsInFlight: turns.inFlightCount }, 'stopping: no new requests, finishing the turns in flight');
    stopAccepting(server);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets would hold close() open; streams of the local Direct Line may never end.
    server.server.closeIdleConnections();
    const late = setTimeout(() => logger.warn({ turnsInFlight: turns.inFlightCount }, 'turns still running after 10 s: stopping anyway'), 10_000);
    await Promise.race([
      // Every turn over, and the HTTP answers written (the adapter answers right after the turn).
      turns.idle().then(() => Promise.race([closed, new Promise((r) => setTimeout(r, 1000))])),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    clearTimeout(late);
    const flushed = await transcripts.stop().catch((err: unknown) => { logger.error({ err }, 'closing the transcript store failed'); return false; });
    await state.close().catch((err: unknown) => logger.error({ err }, 'closing the state store failed'));
    logger.info({ transcriptsFlushed: flushed }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** A database file that cannot be opened stops the start with the key to fix, not a stack trace. */
function opening<T>(key: string, file: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    throw new ConfigError(`${key}=${file}: cannot open it (${(err as Error).message})`);
  }
}

async function openingAsync<T>(key: string, file: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    throw new ConfigError(`${key}=${file}: cannot open it (${(err as Error).message})`);
  }
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError(`PORT=${port}: already in use on ${host} (another assistant running?)`);
  if (err.code === 'EACCES') return new ConfigError(`PORT=${port}: not allowed for this user (ports below 1024 need privileges)`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new ConfigError(`HOST=${host}: not an address of this machine`);
  return err;
}

main().catch((err: unknown) => {
  // One clear line for configuration or data errors; no stack trace for a file to fix.
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof ConfigError || /\.(ya?ml|json)\b/.test(message) ? `Cannot start: ${message}` : err);
  process.exit(1);
});
