import { ConfigError, clockFrom, loadConfig, loadDotEnv } from './config.ts';
import { createAdapter } from './adapter.ts';
import { createAssistant } from './assistant.ts';
import { createLogger } from './logger.ts';
import { createServer } from './server.ts';
import { setUpTranscripts } from './transcripts/setup.ts';
import { StaffAccounts } from './console/staff-accounts.ts';
import { assignedSentences, consoleOptions } from './console/setup.ts';
import { LiveUnderstander, trainUnderstander } from './retraining.ts';
import { LocalDirectLine } from './directline/local-direct-line.ts';
import { LocalTokens } from './directline/tokens.ts';
import { serviceUrlPolicy } from './guards/service-urls.ts';
import { SqliteWelcomeClaims } from './storage/welcome-claims.ts';

/** npm start: the assistant on http://HOST:PORT/api/messages. */
async function main(): Promise<void> {
  const started = performance.now();
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const welcomes = new SqliteWelcomeClaims(config.STATE_FILE);
  // Claims live as long as transcripts do, so the table does not grow with every Web Chat visit.
  const forgetOldWelcomes = () => welcomes.forgetBefore(new Date(Date.now() - config.TRANSCRIPT_RETENTION_DAYS * 86_400_000));
  forgetOldWelcomes();
  setInterval(forgetOldWelcomes, 86_400_000).unref();
  const transcripts = setUpTranscripts({
    file: config.TRANSCRIPTS_FILE,
    retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
    ...(config.TRANSCRIPT_PSEUDONYM_KEY ? { pseudonymKey: config.TRANSCRIPT_PSEUDONYM_KEY } : {}),
  }, logger);
  // Understanding learns the sentences staff assigned in the console too, and can be retrained live.
  const learnt = assignedSentences(transcripts.store);
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
  });
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
    console: consoleOptions({ store: transcripts.store, accounts: new StaffAccounts(config.STAFF_FILE), logger, live, learnt, trustProxy: config.TRUST_PROXY }),
  });
  if (!config.localMode && !config.DIRECT_LINE_SECRET) {
    // The local Direct Line posts unauthenticated activities, which a registered bot refuses.
    logger.warn('website widget: set DIRECT_LINE_SECRET (Azure Bot > Channels > Direct Line) when MicrosoftAppId is set');
  }
  await new Promise<void>((resolve) => server.listen(config.PORT, config.host, resolve));
  port = server.address().port;
  logger.info({
    url: `http://${config.host}:${port}/api/messages`,
    widget: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/`,
    mode: config.localMode ? 'local (no MicrosoftAppId: Bot Framework Emulator, no authentication)' : `Azure Bot (${config.MicrosoftAppType})`,
    startupMs: Math.round(performance.now() - started),
  }, 'assistant ready');

  const stop = () => {
    server.close(() => {
      transcripts.stop();
      welcomes.close();
      process.exit(0);
    });
    // Keep-alive sockets would hold close() open; a request still running gets 10 s to finish.
    server.server.closeIdleConnections();
    setTimeout(() => {
      logger.warn('requests still running after 10 s: stopping anyway');
      transcripts.stop();
      process.exit(0);
    }, 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  // One clear line for configuration or data errors; no stack trace for a file to fix.
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof ConfigError || /\.(ya?ml|json)\b/.test(message) ? `Cannot start: ${message}` : err);
  process.exit(1);
});
