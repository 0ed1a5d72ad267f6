import { pino, type Logger } from 'pino';

/** JSON logs (pino). Learners' messages are never logged here: only ids, intents and errors. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'learner-assistant' } });
}
export type { Logger };
