import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Assistant } from './assistant.ts';

/**
 * The Bot Framework adapter. Without MicrosoftAppId it runs in local mode: requests are not
 * authenticated and replies go to the serviceUrl unauthenticated (Bot Framework Emulator, tests).
 */
export function createAdapter(config: Config, assistant: Assistant, logger: Logger): CloudAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  const auth = new ConfigurationBotFrameworkAuthentication({}, credentials);
  const adapter = new CloudAdapter(auth);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, conversation: context.activity.conversation?.id, channel: context.activity.channelId }, 'turn failed');
    try {
      await context.sendActivity(assistant.answerer.conversation.error);
      await context.sendTraceActivity('OnTurnError', `${error}`, 'https://www.botframework.com/schemas/error', 'TurnError');
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not send the apology');
    }
    try {
      // A learner must not stay stuck in a dialog whose state caused the error.
      await assistant.bot.resetConversation(context);
    } catch (resetError) {
      logger.error({ err: resetError }, 'could not reset the conversation state');
    }
  };
  return adapter;
}
