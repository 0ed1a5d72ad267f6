import type { TurnContext } from 'botbuilder-core';
import type { Assistant } from './assistant.ts';
import type { Logger } from './logger.ts';
import { isStateConflict } from './storage/sqlite-state-storage.ts';
import { ConversationBusyError } from './turns/turn-runner.ts';

/**
 * What every adapter does when a turn throws: log it (without the learner's message), apologise to
 * the learner, and drop the conversation's dialog state so they are not stuck in a broken dialog.
 */
export function turnErrorHandler(assistant: Assistant, logger: Logger) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    logger.error(
      { err: error, conversation: context.activity.conversation?.id, channel: context.activity.channelId },
      'turn failed',
    );
    try {
      await context.sendActivity(assistant.answerer.conversation.error);
      await context.sendTraceActivity(
        'OnTurnError',
        `${error}`,
        'https://www.botframework.com/schemas/error',
        'TurnError',
      );
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not send the apology');
    }
    // A turn refused (too many waiting) or that kept losing eTag races broke nothing: the dialog state
    // is whatever the turns that ran left, and must stay.
    if (error instanceof ConversationBusyError || isStateConflict(error)) return;
    try {
      await assistant.bot.resetConversation(context);
    } catch (resetError) {
      logger.error({ err: resetError }, 'could not reset the conversation state');
    }
  };
}
