import type { TurnContext } from 'botbuilder-core';
import type { Assistant } from './assistant.ts';
import type { Logger } from './logger.ts';
import { isStateConflict } from './storage/sqlite-state-storage.ts';
import { ConversationBusyError } from './turns/turn-runner.ts';
import { StepNotKeptError } from '../dialogs/assistant-bot.ts';

/**
 * What every adapter does when a turn throws: log it (without the learner's message), apologise to
 * the learner, and drop the conversation's dialog state so they are not stuck in a broken dialog.
 *
 * A guided step the conversation store could not keep (StepNotKeptError) is not a broken dialog: the
 * learner is told the step was not taken, and the stored state — the one before the turn — stays.
 */
export function turnErrorHandler(assistant: Assistant, logger: Logger) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const where = { conversation: context.activity.conversation?.id, channel: context.activity.channelId };
    const stepNotKept = error instanceof StepNotKeptError;
    // The store's own failure was logged when it happened (src/app.ts): one error line per cause.
    if (stepNotKept) logger.warn(where, 'guided step not kept: the conversation store is unavailable');
    else logger.error({ err: error, ...where }, 'turn failed');
    const words = assistant.answerer.conversation;
    try {
      await context.sendActivity(stepNotKept ? words.state_unavailable.step_not_kept : words.error);
      await context.sendTraceActivity(
        'OnTurnError',
        `${error}`,
        'https://www.botframework.com/schemas/error',
        'TurnError',
      );
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not send the apology');
    }
    // A turn refused (too many waiting), that kept losing eTag races or whose step the store could not
    // keep broke nothing: the dialog state is whatever the turns that ran left, and must stay.
    if (error instanceof ConversationBusyError || isStateConflict(error) || stepNotKept) return;
    try {
      await assistant.bot.resetConversation(context);
    } catch (resetError) {
      logger.error({ err: resetError }, 'could not reset the conversation state');
    }
  };
}
