import { join } from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder-core';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { loadUnderstander } from '../intents/nlu/load.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { createAssistant, type Assistant, type AssistantOptions } from '../src/assistant.ts';

/** The date every test lives on: 26 November 2026 (inside the autumn registration period). */
export const TODAY = new Date(2026, 10, 26, 12);

let shared: Understander | undefined;
/** Training takes a few hundred ms: one understander per test file. */
export function sharedUnderstander(): Understander {
  shared ??= loadUnderstander({ gazetteer: AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer() });
  return shared;
}

export function testAssistant(options: AssistantOptions = {}): Assistant {
  return createAssistant({ clock: () => TODAY, understander: sharedUnderstander(), ...options });
}

/** Everything the learner sees in a reply: text, buttons, card buttons. */
export function visible(a: Partial<Activity>): string {
  const parts = [a.text ?? ''];
  for (const action of a.suggestedActions?.actions ?? []) parts.push(`[${action.title}]`);
  for (const att of a.attachments ?? []) {
    for (const b of (att.content as { buttons?: { title: string; value: string }[] }).buttons ?? []) parts.push(`<${b.title}|${b.value}>`);
  }
  return parts.join(' ');
}

/** Lower case without accents, as the checks compare. */
export function folded(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** A conversation with the bot through botbuilder's TestAdapter, one turn at a time. */
export class Conversation {
  readonly adapter: TestAdapter;

  constructor(readonly assistant: Assistant = testAssistant(), channelId = 'test') {
    this.adapter = new TestAdapter(async (context) => assistant.bot.run(context), { channelId, conversation: { id: `conv-${Math.random()}` } } as never);
    this.adapter.locale = 'fr-FR';
  }

  private drain(): Partial<Activity>[] {
    const out = this.adapter.activeQueue.splice(0).filter((a) => a.type === ActivityTypes.Message);
    return out;
  }

  async join(): Promise<Partial<Activity>[]> {
    const user = this.adapter.conversation.user;
    await this.adapter.processActivity({ type: ActivityTypes.ConversationUpdate, membersAdded: [user] } as Partial<Activity>);
    return this.drain();
  }

  /** Sends a message; returns the bot's messages. */
  async say(text: string): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(text);
    return this.drain();
  }

  /** Sends a message; returns everything shown, joined and folded. */
  async ask(text: string): Promise<string> {
    return folded((await this.say(text)).map(visible).join('\n'));
  }
}
