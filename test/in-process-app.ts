import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildApp, type App, type AppDeps } from '../src/app.ts';
import { trainUnderstander } from '../src/retraining.ts';
import type { Example } from '../intents/nlu/training-data.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { LogLines } from './in-process-bot.ts';
import { sharedUnderstander } from './helpers.ts';
import { dataFiles, tempDir } from './temp.ts';

export interface RunningApp {
  app: App;
  port: number;
  url: string;
  logs: LogLines;
  /** The JSON log lines written at LOG_LEVEL (warn unless the test sets it), as the process would print them. */
  output: () => string;
  /** What SIGTERM does (src/app.ts close), without exiting. */
  stop: () => Promise<void>;
}

/**
 * Training on intents/ alone gives the same model every time: reuse the one trained for this worker.
 * Sentences staff assigned make another model, trained as npm start trains it.
 */
export function reuseTraining(assigned: readonly Example[]): Understander {
  return assigned.length === 0 ? sharedUnderstander() : trainUnderstander(assigned);
}

/**
 * The app `npm start` serves (src/app.ts, from the same configuration keys), in this process on a
 * loopback port the system picks, with its own data files unless `env` names them: for tests about
 * HTTP, channels, storage and the console rather than about the process (those spawn it:
 * test/server-process.ts).
 */
export async function startApp(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}): Promise<RunningApp> {
  const dir = tempDir('bot-data-');
  const config = loadConfig({
    HOST: '127.0.0.1',
    MicrosoftAppId: '',
    LOG_LEVEL: 'warn',
    ...dataFiles(dir),
    ...env,
  });
  const logs = new LogLines();
  const app = await buildApp(config, {
    logger: pino({ level: config.LOG_LEVEL }, logs),
    train: reuseTraining,
    ...deps,
  });
  const port = await app.listen(0);
  let stopped: Promise<void> | undefined;
  return {
    app,
    port,
    logs,
    url: `http://127.0.0.1:${port}`,
    output: () => logs.lines.map((l) => JSON.stringify(l)).join('\n'),
    stop: () =>
      (stopped ??= app.close().then(() => {
        app.server.server.closeAllConnections();
      })),
  };
}
