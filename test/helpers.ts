import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder-core';
import { pino } from 'pino';
import type { Understander } from '../intents/nlu/understand.ts';
import {
  createAssistant,
  loadAssistantData,
  type Assistant,
  type AssistantData,
  type AssistantOptions,
} from '../src/assistant.ts';
import { ASSISTANT_CLASSES } from '../src/cache/assistant-classes.ts';
import { StartCache } from '../src/cache/start-cache.ts';
import { trainUnderstander } from '../src/retraining.ts';
import { SHARED_START_CACHE } from './server-process.ts';

/** The date every test lives on: 26 November 2026 (inside the autumn registration period). */
export const TODAY = new Date(2026, 10, 26, 12);

// Loaded once per worker (vitest.config.ts: the files of a worker share their modules); neither is
// changed by the tests, which build their own assistants, stores and servers around them.
let data: AssistantData | undefined;
/** The knowledge base, académies and wording of knowledge/, read and checked once (about 0.1 s each time). */
export function sharedData(): AssistantData {
  data ??= loadAssistantData();
  return data;
}

let shared: Understander | undefined;
/**
 * The understanding trained on intents/ alone (as npm start trains it without assigned sentences),
 * one per worker, read back from the start cache the processes the tests start share
 * (test/server-process.ts): trained once for all of them while no source changes, a few seconds each
 * time otherwise. test/start-cache.test.ts checks that what is read back reads every held-out message
 * as a freshly trained model does. Tests that retrain train their own.
 */
export function sharedUnderstander(): Understander {
  // The key npm start uses for the default sheet without assigned sentences (src/app.ts).
  shared ??= new StartCache(SHARED_START_CACHE, pino({ level: 'silent' })).get(
    'understanding',
    ASSISTANT_CLASSES,
    () => trainUnderstander([]),
    { files: [], inputs: { assigned: [], dir: null } },
  ).value;
  return shared;
}

/** The assistant on the default data; with `knowledgeFile`, that file is read as npm start would. */
export function testAssistant(options: AssistantOptions = {}): Assistant {
  return createAssistant({
    clock: () => TODAY,
    understander: sharedUnderstander(),
    ...(options.knowledgeFile ? {} : { data: sharedData() }),
    ...options,
  });
}

/** Everything the learner sees in a reply: text, buttons, card buttons. */
export function visible(a: Partial<Activity>): string {
  const parts = [a.text ?? ''];
  for (const action of a.suggestedActions?.actions ?? []) parts.push(`[${action.title}]`);
  for (const att of a.attachments ?? []) {
    for (const b of (att.content as { buttons?: { title: string; value: string }[] }).buttons ?? [])
      parts.push(`<${b.title}|${b.value}>`);
  }
  return parts.join(' ');
}

/** Lower case without accents, as the checks compare. */
export function folded(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** A conversation with the bot through botbuilder's TestAdapter, one turn at a time. */
export class Conversation {
  readonly adapter: TestAdapter;

  constructor(
    readonly assistant: Assistant = testAssistant(),
    channelId = 'test',
  ) {
    this.adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId,
      conversation: { id: `conv-${Math.random()}` },
    } as never);
    this.adapter.locale = 'fr-FR';
  }

  private drain(): Partial<Activity>[] {
    const out = this.adapter.activeQueue.splice(0).filter((a) => a.type === ActivityTypes.Message);
    return out;
  }

  async join(): Promise<Partial<Activity>[]> {
    const user = this.adapter.conversation.user;
    await this.adapter.processActivity({
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [user],
    } as Partial<Activity>);
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
