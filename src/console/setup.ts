import { join } from 'node:path';
import { loadLexicon } from '../../intents/nlu/lexicon.ts';
import { INTENTS_DIR } from '../../intents/nlu/load.ts';
import type { Example } from '../../intents/nlu/training-data.ts';
import type { Logger } from '../logger.ts';
import { trainUnderstander, type LiveUnderstander } from '../retraining.ts';
import type { TranscriptStore } from '../transcripts/store.ts';
import { evalInChildProcess, Retraining, type Evaluate } from './retraining.ts';
import type { ConsoleOptions } from './routes.ts';
import type { StaffAccountStore } from './staff-accounts.ts';
import type { SessionStore, ThrottleStore } from './sessions.ts';

export interface ConsoleSetup {
  store: TranscriptStore;
  accounts: StaffAccountStore;
  /** Signed-in sessions; default: in this process's memory. */
  sessions?: SessionStore;
  /** Sign-in attempts counted; default: in this process's memory. */
  throttle?: ThrottleStore;
  logger: Logger;
  /** The understander the running assistant uses, and the assigned sentences it was trained with. */
  live: LiveUnderstander;
  learnt: readonly Example[];
  /** The served sheet's own intents (its knowledge base's `document.intents`): retraining keeps them. */
  sheetIntents?: string;
  trustProxy: boolean;
  /** How « Réentraîner » measures; `npm run eval` on the held-out set by default. */
  evaluate?: Evaluate;
  clock?: () => Date;
}

/** The sentences staff assigned, as training examples (what the assistant learns at start and on retraining). */
export async function assignedSentences(store: TranscriptStore): Promise<Example[]> {
  return (await store.corrections()).map(({ text, intent }) => ({ text, intent }));
}

/** The console's options from the server's parts: the same wiring for `npm start` and the tests. */
export function consoleOptions(s: ConsoleSetup): Omit<ConsoleOptions, 'logger'> {
  let stopwords: ReadonlySet<string> | undefined;
  return {
    store: s.store,
    accounts: s.accounts,
    ...(s.sessions ? { sessions: s.sessions } : {}),
    ...(s.throttle ? { throttle: s.throttle } : {}),
    catalog: s.live.understander.catalog,
    // Read when the statistics page first asks (not at every start: the lexicon is a YAML file to parse).
    stopwords: () => (stopwords ??= loadLexicon(join(INTENTS_DIR, 'lexicon.fr.yaml')).stopwords),
    trustProxy: s.trustProxy,
    ...(s.clock ? { clock: s.clock } : {}),
    retraining: new Retraining({
      live: s.live,
      corrections: () => s.store.corrections(),
      trained: s.learnt,
      train: (sentences) => trainUnderstander(sentences, s.sheetIntents),
      evaluate: s.evaluate ?? evalInChildProcess(),
      logger: s.logger,
    }),
  };
}
