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
import { createAssistant, type Assistant } from '../src/assistant.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { loadTrainingSet, type Example } from '../intents/nlu/training-data.ts';
import { trainUnderstander } from '../src/retraining.ts';
import { FAMILIES, familyFile, loadCases, type Case, type Family, type Reply } from './families.ts';
import { measureFamilies, ours, score, TODAY, type Score } from './measure.ts';

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

const set = options.set;
const dir = join(INTENTS_DIR, set);
const showErrors = options.errors;
const only = options.family;

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

const pct = (s: Score) => (s.total ? `${((100 * s.right) / s.total).toFixed(1)} %` : '-');
const sentences = (file: string | undefined): Example[] =>
  file ? (JSON.parse(readFileSync(file, 'utf8')) as Example[]) : [];
const extra = sentences(options.extra);

if (options.candidate || options.json) {
  // Before / after the sentences staff assigned: the figures the console shows before they confirm.
  const measure = (examples: Example[]) => measureFamilies(dir, trainUnderstander(examples), only);
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
