import type { StatePropertyAccessor } from 'botbuilder-core';
import type { Answerer } from '../knowledge/answers.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import type { Acceptors } from './prompts.ts';
import type { Router, Topic } from './router.ts';

/**
 * What the assistant remembers about a conversation, besides the dialog stack: the topic followed by
 * elliptical follow-ups (grade, date, place — see Topic) and the last entries answered.
 */
export interface ConversationMemory extends Pick<Topic, 'grade' | 'date' | 'place' | 'subjects' | 'clarify'> {
  /** Last knowledge entry answered, for "Plus de détails" and follow-ups. */
  lastEntryId?: string;
  /** Every entry of the last answer when it answered several questions. */
  lastEntryIds?: string[];
  /** The last message did not answer the question a guided dialog asked (a second one ends it). */
  unreadable?: boolean;
  /**
   * The last reply ended with the 👍 / 👎 control: a bare « oui » / « non » typed next is that feedback.
   * Set as the reply is sent (assistant-bot.ts), read and cleared at the next turn.
   */
  feedbackOffered?: boolean;
}

/**
 * Set in a turn's state when the learner asks to erase their data (« supprimer mes données »): the
 * transcript recorder (src/) erases this learner's activities once the turn is over, this turn's included.
 */
export const ERASE_LEARNER_DATA = Symbol('erase learner data');

/** Everything the dialogs need, injected (clock included, so date answers are testable). */
export interface DialogServices {
  router: Router;
  answerer: Answerer;
  understander: Understander;
  acceptors: Acceptors;
  clock: () => Date;
  memory: StatePropertyAccessor<ConversationMemory>;
}
