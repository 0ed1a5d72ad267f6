import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import { limitReplyTime } from './guards/reply-timeout.ts';
import { turnErrorHandler } from './turn-error.ts';
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
  const auth = limitReplyTime(new ConfigurationBotFrameworkAuthentication({}, credentials), config.REPLY_TIMEOUT_MS);
  const adapter = new CloudAdapter(auth);

  adapter.onTurnError = turnErrorHandler(assistant, logger);
  return adapter;
}
