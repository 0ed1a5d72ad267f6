import type { StatePropertyAccessor } from 'botbuilder-core';
import type { Answerer } from '../knowledge/answers.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import type { Acceptors } from './prompts.ts';
import type { Router } from './router.ts';

/** What the assistant remembers about a conversation, besides the dialog stack. */
export interface ConversationMemory {
  /** Last knowledge entry answered, for "Plus de détails". */
  lastEntryId?: string;
  /** Every entry of the last answer when it answered several questions. */
  lastEntryIds?: string[];
  /** The learner's grade and when it was obtained, once said (for follow-ups such as « c'était en juin 2024 »). */
  grade?: { value: number; valid: boolean; text: string };
  date?: { iso: string; precision: 'day' | 'month' | 'year' };
  /** Where the learner said they live. */
  place?: { departement: string; text: string };
  /** The last message did not answer the question a guided dialog asked (a second one ends it). */
  unreadable?: boolean;
  /** The welcome was sent (a conversation is greeted once). */
  welcomed?: boolean;
}

/** Everything the dialogs need, injected (clock included, so date answers are testable). */
export interface DialogServices {
  router: Router;
  answerer: Answerer;
  understander: Understander;
  acceptors: Acceptors;
  clock: () => Date;
  memory: StatePropertyAccessor<ConversationMemory>;
}
