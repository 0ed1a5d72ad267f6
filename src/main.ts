import { ConfigError, clockFrom, loadConfig, loadDotEnv } from './config.ts';
import { createAdapter } from './adapter.ts';
import { createAssistant } from './assistant.ts';
import { createLogger } from './logger.ts';
import { createServer } from './server.ts';

/** npm start: the assistant on http://HOST:PORT/api/messages. */
async function main(): Promise<void> {
  const started = performance.now();
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const assistant = createAssistant({
    ...(config.KNOWLEDGE_FILE ? { knowledgeFile: config.KNOWLEDGE_FILE } : {}),
    links: config.links,
    clock: clockFrom(config),
  });
  const adapter = createAdapter(config, assistant, logger);
  const server = createServer({ adapter, assistant, logger, maxBodyBytes: config.MAX_BODY_BYTES });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.host, resolve));
  logger.info({
    url: `http://${config.host}:${config.PORT}/api/messages`,
    mode: config.localMode ? 'local (no MicrosoftAppId: Bot Framework Emulator, no authentication)' : `Azure Bot (${config.MicrosoftAppType})`,
    startupMs: Math.round(performance.now() - started),
  }, 'assistant ready');

  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  // One clear line for configuration or data errors; no stack trace for a file to fix.
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof ConfigError || /\.(ya?ml|json)\b/.test(message) ? `Cannot start: ${message}` : err);
  process.exit(1);
});
