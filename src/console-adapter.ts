import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder-core';

/**
 * A minimal adapter for the terminal: turns typed lines into message activities and prints the
 * bot's replies (text, numbered buttons, links). Same bot, same dialogs, no server, no Azure.
 */
export class ConsoleAdapter extends BotAdapter {
  private seq = 0;
  /** The buttons of the last reply, numbered from 1: typing a number picks one. */
  private choices: string[] = [];
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
    return TurnContext.applyConversationReference(
      { id: String(++this.seq), timestamp: new Date(), locale: 'fr-FR', ...partial },
      this.reference,
      true,
    );
  }

  async join(logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = this.activity({ type: ActivityTypes.ConversationUpdate, membersAdded: [this.reference.user!] });
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /**
   * What a typed line says: a button's label when it is the number of one of the buttons just shown
   * (« 2 »), else the line itself — « 12 » at the grade question, which shows no buttons, stays a grade.
   */
  resolve(line: string): string {
    const n = /^\s*(\d{1,2})\s*$/.exec(line);
    const choice = n ? this.choices[Number(n[1]) - 1] : undefined;
    return choice ?? line;
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
      // Only the last message's buttons can be picked (as in Web Chat, where older ones disappear).
      this.choices = (a.suggestedActions?.actions ?? []).map((x) => String(x.value ?? x.title));
      (a.suggestedActions?.actions ?? []).forEach((x, i) => this.print(`  ${i + 1}. ${x.title}`));
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
