import { ActivityHandler, TurnContext, type ConversationState } from 'botbuilder-core';
import type { DialogState } from './dialogs-sdk.ts';
import { learnerText } from './channel-input.ts';
import { adaptForChannel } from './channel-output.ts';
import { MainDialog } from './main-dialog.ts';
import { renderAnswer } from './render.ts';
import type { ConversationMemory, DialogServices } from './services.ts';

/** Messages longer than this are read only up to it: learners ramble, but not for pages. */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * The assistant as a Bot Framework bot: welcomes a learner once per conversation, and hands every
 * message to the main dialog. Channel-agnostic: the HTTP server, the terminal chat and the tests
 * all drive it through an adapter.
 */
export class AssistantBot extends ActivityHandler {
  private readonly main: MainDialog;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly services: Omit<DialogServices, 'memory'>,
  ) {
    super();
    const memory = conversationState.createProperty<ConversationMemory>('memory');
    const dialogState = conversationState.createProperty<DialogState>('dialogState');
    const s: DialogServices = { ...services, memory };
    this.main = new MainDialog(s);

    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (joined) await this.welcome(context, s);
      await next();
    });

    // Teams installs the app with installationUpdate, sometimes without membersAdded for the user.
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context, s);
      await next();
    });

    // Web Chat pages announce the learner with a "webchat/join" event (see src/web/page.ts).
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join') await this.welcome(context, s);
      await next();
    });

    this.onMessage(async (context, next) => {
      // "<at>Assistant</at> combien dure l'épreuve" (Teams) is read as the plain question.
      TurnContext.removeRecipientMention(context.activity);
      const text = learnerText(context.activity).slice(0, MAX_MESSAGE_CHARS);
      context.activity.text = text;
      const mem = await memory.get(context, {});
      mem.welcomed = true; // a learner who writes first is not greeted afterwards
      if (text.trim().length === 0) {
        const a = s.answerer;
        await context.sendActivity(renderAnswer(a.message(a.conversation.fallback, 'fallback', a.menuLabels()), a));
      } else {
        await this.main.run(context, dialogState);
      }
      await next();
    });
  }

  private async welcome(context: TurnContext, s: DialogServices): Promise<void> {
    const memory = await s.memory.get(context, {});
    if (memory.welcomed) return;
    memory.welcomed = true;
    const a = s.answerer;
    await context.sendActivity(renderAnswer(a.message(a.conversation.welcome, 'info', a.menuLabels()), a));
  }

  override async run(context: TurnContext): Promise<void> {
    context.onSendActivities(async (ctx, activities, next) => {
      activities.splice(0, activities.length, ...activities.map((a) => adaptForChannel(ctx.activity.channelId, a)));
      return next();
    });
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }

  /** Drops the conversation's state (after an error, so the learner is not stuck in a broken dialog). */
  async resetConversation(context: TurnContext): Promise<void> {
    await this.conversationState.delete(context);
  }
}
