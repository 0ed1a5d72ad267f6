import { loadConfig, loadDotEnv } from './config.ts';
import { buildApp, startFailureLine } from './app.ts';
import { createLogger } from './logger.ts';
import { StartCache } from './cache/start-cache.ts';

/**
 * npm start: the configuration, the app (src/app.ts) listening on http://HOST:PORT/api/messages, and
 * the signals. Everything else is in buildApp, which the tests build in process.
 */
async function main(): Promise<void> {
  const started = performance.now();
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  for (const warning of config.warnings) logger.warn(warning);
  const cache = config.CACHE_DIR ? new StartCache(config.CACHE_DIR, logger) : undefined;
  const app = await buildApp(config, { logger, ...(cache ? { cache } : {}) });
  const port = await app.listen();
  logger.info(
    {
      url: `http://${config.host}:${port}/api/messages`,
      widget: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/`,
      mode: config.localMode
        ? 'local (no MicrosoftAppId: Bot Framework Emulator, no authentication)'
        : `Azure Bot (${config.MicrosoftAppType})`,
      startupMs: Math.round(performance.now() - started),
    },
    'assistant ready',
  );

  // SIGTERM (systemd, Docker, Kubernetes) or Ctrl+C: stop accepting, let the turns in flight finish
  // and their replies leave, write what the transcripts hold, close the stores, exit 0.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, turnsInFlight: app.turns.inFlightCount },
      'stopping: no new requests, finishing the turns in flight',
    );
    const { transcriptsFlushed } = await app.close();
    logger.info({ transcriptsFlushed }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  // One clear line for configuration or data errors; no stack trace for a file to fix.
  console.error(startFailureLine(err) ?? err);
  process.exit(1);
});
