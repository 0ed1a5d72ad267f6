/**
 * How `npm run eval` measures the assistant (eval/run.ts): every case through the whole bot in process,
 * one conversation per case, each reply judged (eval/families.ts). Also what the console's
 * « Réentraîner » figures are made of (`npm run eval -- --json`), which tests run in process.
 */
import { ActivityTypes, TestAdapter } from 'botbuilder-core';
import { createAssistant, type Assistant } from '../src/assistant.ts';
import { replyTraceOf } from '../dialogs/reply-trace.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { FAMILIES, familyFile, judge, loadCases, type Case, type Family, type Reply } from './families.ts';

/** The date the held-out files were written for (late November 2026). */
export const TODAY = new Date(2026, 10, 26, 12);

type Answered = { kind?: string; entryId?: string; entryIds?: string[] };

/** One conversation with the assistant through botbuilder's TestAdapter. */
class Chat {
  private readonly adapter: TestAdapter;
  constructor(
    assistant: Assistant,
    private readonly prompts: Map<string, string>,
  ) {
    this.adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId: 'eval',
      conversation: { id: `eval-${Math.random()}` },
    } as never);
    this.adapter.locale = 'fr-FR';
  }

  async say(text: string): Promise<Reply> {
    await this.adapter.processActivity(text);
    const messages = this.adapter.activeQueue.splice(0).filter((a) => a.type === ActivityTypes.Message);
    const entries: string[] = [];
    for (const m of messages) {
      const a: Answered | undefined = replyTraceOf(m);
      if (a && a.kind === 'answer') for (const id of a.entryIds ?? (a.entryId ? [a.entryId] : [])) entries.push(id);
      // A guided dialog that starts by asking what it needs is on the right subject.
      const topic = this.prompts.get((m.text ?? '').trim());
      if (topic) entries.push(topic);
    }
    return { text: messages.map((m) => m.text ?? '').join('\n'), entries: [...new Set(entries)] };
  }
}

export function ours(assistant: Assistant): (c: Case) => Promise<Reply[]> {
  const p = assistant.answerer.conversation.prompts;
  const prompts = new Map([
    [p.place.trim(), 'academy'],
    [p.grade.trim(), 'exam-result'],
  ]);
  return async (c) => {
    const chat = new Chat(assistant, prompts);
    const replies: Reply[] = [];
    for (const t of c.turns) replies.push(await chat.say(t.text));
    return replies;
  };
}

export interface Score {
  right: number;
  total: number;
  misses: string[];
}

export async function score(cases: Case[], system: (c: Case) => Promise<Reply[]>): Promise<Score> {
  const s: Score = { right: 0, total: 0, misses: [] };
  for (const c of cases) {
    const replies = await system(c);
    c.turns.forEach((t, i) => {
      const reply = replies[i]!;
      const why = judge(t, reply);
      s.total += 1;
      if (why.length === 0) s.right += 1;
      else
        s.misses.push(
          `  ✗ ${c.id}#${i + 1} « ${t.text} » → ${why.join('; ')}\n      ${reply.text.replace(/\n+/g, ' / ').slice(0, 220)}`,
        );
    });
  }
  return s;
}

/** Turns and right replies per family of the set in `dir` (only `only` when given), with this understanding. */
export async function measureFamilies(
  dir: string,
  understander: Understander,
  only?: string,
): Promise<{ family: string; turns: number; right: number }[]> {
  const assistant = createAssistant({ clock: () => TODAY, understander });
  const families: { family: string; turns: number; right: number }[] = [];
  for (const family of FAMILIES as readonly Family[]) {
    if (only && family !== only) continue;
    const cases = loadCases(familyFile(dir, family));
    if (cases.length === 0) continue;
    const a = await score(cases, ours(assistant));
    families.push({ family, turns: a.total, right: a.right });
  }
  return families;
}
