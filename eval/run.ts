/**
 * npm run eval [-- --set heldout|dev] [--errors] [--family NAME] [--corpus FILE]
 *
 * Measures the assistant as learners meet it: every message goes through the whole bot (dialogs,
 * conversation state, understanding, answers) in process, one conversation per case, and the reply
 * is judged by what it answers (knowledge entries), how it opens (Oui/Non) and, for questions the
 * sheet does not answer, that it states no fact. Each family of held-out messages is reported apart,
 * beside natural's plain BayesClassifier trained on the same sentences (one answer per message, no
 * context, the entry's short answer). --corpus runs the classifier-only benchmark on an NLP.js corpus.
 *
 * --extra FILE and --candidate FILE (JSON arrays of {text, intent}: sentences staff assigned in the
 * console) measure the assistant trained with the training files + `extra` ("before") and + `extra` +
 * `candidate` ("after"); --json prints the figures as one JSON object (the console shows them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { ActivityTypes, TestAdapter } from 'botbuilder-core';
import { createAssistant, type Assistant } from '../src/assistant.ts';
import { replyTraceOf } from '../dialogs/reply-trace.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { loadTrainingSet, type Example } from '../intents/nlu/training-data.ts';
import { trainUnderstander } from '../src/retraining.ts';
import { FAMILIES, familyFile, judge, loadCases, type Case, type Family, type Reply } from './families.ts';

const USAGE =
  'usage: npm run eval -- [--set heldout|dev|dev2…] [--errors] [--family NAME] [--corpus FILE] [--extra FILE] [--candidate FILE] [--json]';
let options;
try {
  options = parseArgs({
    options: {
      set: { type: 'string', default: 'heldout' },
      errors: { type: 'boolean', default: false },
      family: { type: 'string' },
      corpus: { type: 'string' },
      extra: { type: 'string' },
      candidate: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  // A misspelt option (« --error ») would otherwise measure something else without a word.
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));

if (options.corpus) {
  // The classifier-only benchmark (no dialogs): intents/eval/run-eval.ts.
  const corpusArgs = ['--corpus', options.corpus, ...(options.errors ? ['--errors'] : [])];
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'intents/eval/run-eval.ts'), ...corpusArgs], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

/** The date the held-out files were written for (late November 2026). */
const TODAY = new Date(2026, 10, 26, 12);
const set = options.set;
const dir = join(INTENTS_DIR, set);
const showErrors = options.errors;
const only = options.family;

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

function ours(assistant: Assistant): (c: Case) => Promise<Reply[]> {
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

/** natural's BayesClassifier as a newcomer would use it: default options, raw sentences, no context. */
function baseline(assistant: Assistant): (c: Case) => Promise<Reply[]> {
  const training = loadTrainingSet(INTENTS_DIR);
  const classifier = new BayesClassifier();
  for (const ex of training.examples) classifier.addDocument(ex.text, ex.intent);
  classifier.train();
  const kb = assistant.kb;
  return async (c) =>
    c.turns.map((t) => {
      const entry = kb.entryForIntent(classifier.classify(t.text));
      // The same facts recorded as for ours: the entry and those its short answer states too.
      return entry
        ? { text: entry.short, entries: [entry.id, ...entry.also_states] }
        : { text: assistant.answerer.conversation.fallback, entries: [] };
    });
}

interface Score {
  right: number;
  total: number;
  misses: string[];
}

async function score(cases: Case[], system: (c: Case) => Promise<Reply[]>): Promise<Score> {
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

const pct = (s: Score) => (s.total ? `${((100 * s.right) / s.total).toFixed(1)} %` : '-');
const sentences = (file: string | undefined): Example[] =>
  file ? (JSON.parse(readFileSync(file, 'utf8')) as Example[]) : [];
const extra = sentences(options.extra);

if (options.candidate || options.json) {
  // Before / after the sentences staff assigned: the figures the console shows before they confirm.
  const measure = async (examples: Example[]) => {
    const assistant = createAssistant({ clock: () => TODAY, understander: trainUnderstander(examples) });
    const families: { family: string; turns: number; right: number }[] = [];
    for (const family of FAMILIES as readonly Family[]) {
      if (only && family !== only) continue;
      const cases = loadCases(familyFile(dir, family));
      if (cases.length === 0) continue;
      const a = await score(cases, ours(assistant));
      families.push({ family, turns: a.total, right: a.right });
    }
    return families;
  };
  const before = await measure(extra);
  const after = options.candidate ? await measure([...extra, ...sentences(options.candidate)]) : before;
  console.log(JSON.stringify({ set, before, after }));
  process.exit(0);
}

const assistant = createAssistant({
  clock: () => TODAY,
  ...(extra.length ? { understander: trainUnderstander(extra) } : {}),
});
const ourSystem = ours(assistant);
const baseSystem = baseline(assistant);
console.log(`# ${set}: ${dir}  (today = ${TODAY.toISOString().slice(0, 10)})\n`);
console.log('| family | turns | ours | plain natural Bayes |');
console.log('| --- | --- | --- | --- |');
const totals = { ours: { right: 0, total: 0 }, base: { right: 0, total: 0 } };
const errors: string[] = [];
for (const family of FAMILIES as readonly Family[]) {
  if (only && family !== only) continue;
  const cases = loadCases(familyFile(dir, family));
  if (cases.length === 0) continue;
  const a = await score(cases, ourSystem);
  const b = await score(cases, baseSystem);
  totals.ours.right += a.right;
  totals.ours.total += a.total;
  totals.base.right += b.right;
  totals.base.total += b.total;
  console.log(`| ${family} | ${a.total} | ${pct(a)} (${a.right}) | ${pct(b)} (${b.right}) |`);
  if (showErrors && a.misses.length) errors.push(`\n## ${family}: ${a.misses.length} misses`, ...a.misses);
}
console.log(
  `| all | ${totals.ours.total} | ${pct({ ...totals.ours, misses: [] })} | ${pct({ ...totals.base, misses: [] })} |`,
);
if (errors.length) console.log(errors.join('\n'));
