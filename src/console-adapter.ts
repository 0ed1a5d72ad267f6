import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder-core';

/**
 * A minimal adapter for the terminal: turns typed lines into message activities and prints the
 * bot's replies (text, buttons, links). Same bot, same dialogs, no server, no Azure.
 */
export class ConsoleAdapter extends BotAdapter {
  private seq = 0;
  private readonly reference: Partial<ConversationReference> = {
    channelId: 'console',
    serviceUrl: 'http://localhost/console',
    conversation: { id: `console-${process.pid}`, isGroup: false, conversationType: 'personal', name: 'console' },
    bot: { id: 'assistant', name: 'Assistant' },
    user: { id: 'learner', name: 'Apprenant' },
  };

  constructor(private readonly print: (line: string) => void) {
    super();
  }

  private activity(partial: Partial<Activity>): Partial<Activity> {
    return TurnContext.applyConversationReference({ id: String(++this.seq), timestamp: new Date(), locale: 'fr-FR', ...partial }, this.reference, true);
  }

  async join(logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = this.activity({ type: ActivityTypes.ConversationUpdate, membersAdded: [this.reference.user!] });
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  async say(text: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = this.activity({ type: ActivityTypes.Message, text });
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    for (const a of activities) {
      if (a.type !== ActivityTypes.Message) continue;
      if (a.text) this.print(`\n${a.text}`);
      for (const att of a.attachments ?? []) {
        const buttons = (att.content as { buttons?: { title: string; value: string }[] } | undefined)?.buttons ?? [];
        for (const b of buttons) this.print(`  🔗 ${b.title}: ${b.value}`);
      }
      const actions = a.suggestedActions?.actions ?? [];
      if (actions.length > 0) this.print(`  [${actions.map((x) => x.title).join('] [')}]`);
    }
    return activities.map(() => ({ id: String(++this.seq) }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('not supported in the terminal');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('not supported in the terminal');
  }

  async continueConversation(): Promise<void> {
    throw new Error('not supported in the terminal');
  }
}
