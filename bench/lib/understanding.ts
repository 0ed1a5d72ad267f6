/**
 * Understanding beside its peers, on the same sentences:
 * - this project's Understander (intents/nlu, the whole reading: clauses, cues, typos, entities);
 * - natural's BayesClassifier with its default options (raw sentences, no stemmer), as a newcomer uses it;
 * - NLP.js (node-nlp 4, NlpManager with the French language and its default settings).
 *
 * All three are trained on intents/training (off-topic sentences included, labelled `hors_sujet`) and
 * judged on the held-out files no author of the training saw:
 * - accuracy: intents/heldout/fr.jsonl, in-scope lines (298), right intent and not refused;
 * - off-topic refusal: fr.jsonl's `hors_sujet` lines (80) and intents/heldout/near-oos.jsonl (230
 *   questions near the domain the sheet does not answer), refused = the project's status `fallback`
 *   or intent `hors_sujet`; `hors_sujet` for Bayes; `None` (below NLP.js's threshold) or `hors_sujet`
 *   for NLP.js;
 * - latency: every one of those messages plus a 2 000-character message, once each after a warm-up
 *   round (as in a running server), µs per message.
 * On NLP.js's French corpus each is trained on the corpus's `utterances` and judged top-1 on its
 * in-scope `tests`, whatever the confidence (the corpus has no off-topic training sentences).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import nlpjs from 'node-nlp';
import { AcademyDirectory } from '../../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../../knowledge/paths.ts';
import { INTENTS_DIR, loadUnderstander } from '../../intents/nlu/load.ts';
import { loadLabelled, loadTrainingSet, type Example, type TrainingSet } from '../../intents/nlu/training-data.ts';
import { OUT_OF_SCOPE } from '../../intents/nlu/understand.ts';
import { loadCases } from '../../eval/families.ts';
import { percentile } from './http-load.ts';

const TODAY = new Date(2026, 10, 26, 12);

export const LONG_MESSAGE =
  `${'je voudrais savoir plein de choses sur la formation et sur ma vie '.repeat(30)}combien dure l'épreuve ?`.slice(
    0,
    2000,
  );

/** One system: what it answers to a message (its intent, or null when it refuses), and its best intent whatever the confidence. */
interface System {
  answer(text: string): Promise<string | null> | string | null;
  top1(text: string): Promise<string> | string;
}

export interface SystemFigures {
  accuracy: number;
  oosRefusal: number;
  p50us: number;
  p99us: number;
  trainMs: number;
  right: number;
  inScope: number;
  refused: number;
  offTopic: number;
}

async function nlpjsSystem(train: Example[], refuseAs: string | null): Promise<System> {
  const manager = new nlpjs.NlpManager({ languages: ['fr'], autoSave: false, nlu: { log: false } });
  for (const e of train) manager.addDocument('fr', e.text, e.intent);
  await manager.train();
  return {
    answer: async (text) => {
      const r = await manager.process('fr', text);
      return r.intent === 'None' || r.intent === refuseAs ? null : r.intent;
    },
    top1: async (text) => (await manager.process('fr', text)).classifications[0]?.intent ?? 'None',
  };
}

function bayesSystem(train: Example[], refuseAs: string | null): System {
  const classifier = new BayesClassifier();
  for (const e of train) classifier.addDocument(e.text, e.intent);
  classifier.train();
  return {
    answer: (text) => {
      const i = classifier.classify(text);
      return i === refuseAs ? null : i;
    },
    top1: (text) => classifier.classify(text),
  };
}

function projectSystem(training?: TrainingSet): System {
  const gazetteer = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer();
  const understander = loadUnderstander({ gazetteer, ...(training ? { training } : {}) });
  return {
    answer: (text) => {
      const u = understander.understand(text, TODAY);
      return u.status === 'fallback' || u.intent === OUT_OF_SCOPE ? null : u.intent;
    },
    top1: (text) => understander.score(text).ranking[0]?.intent ?? 'None',
  };
}

async function timed<T>(build: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await build();
  return [value, performance.now() - t0];
}

async function judge(system: System, trainMs: number, inScope: Example[], offTopic: string[]): Promise<SystemFigures> {
  const all = [...inScope.map((e) => e.text), ...offTopic, LONG_MESSAGE];
  for (const text of all) await system.answer(text); // warm-up: the JIT, the first regular expressions
  const times: number[] = [];
  let right = 0;
  let refused = 0;
  for (const e of inScope) {
    const t = performance.now();
    const got = await system.answer(e.text);
    times.push((performance.now() - t) * 1000);
    if (got === e.intent) right++;
  }
  for (const text of offTopic) {
    const t = performance.now();
    const got = await system.answer(text);
    times.push((performance.now() - t) * 1000);
    if (got === null) refused++;
  }
  const t = performance.now();
  await system.answer(LONG_MESSAGE);
  times.push((performance.now() - t) * 1000);
  return {
    accuracy: right / inScope.length,
    oosRefusal: refused / offTopic.length,
    p50us: percentile(times, 0.5),
    p99us: percentile(times, 0.99),
    trainMs,
    right,
    inScope: inScope.length,
    refused,
    offTopic: offTopic.length,
  };
}

export type Peer = 'project' | 'bayes' | 'nlpjs';

export async function heldOut(): Promise<Record<Peer, SystemFigures>> {
  const training = loadTrainingSet(INTENTS_DIR);
  const labelled = loadLabelled(join(INTENTS_DIR, 'heldout', 'fr.jsonl'));
  const inScope = labelled.filter((e) => e.intent !== OUT_OF_SCOPE);
  const offTopic = [
    ...labelled.filter((e) => e.intent === OUT_OF_SCOPE).map((e) => e.text),
    ...loadCases(join(INTENTS_DIR, 'heldout', 'near-oos.jsonl')).flatMap((c) =>
      c.turns.filter((t) => t.expect.length === 0).map((t) => t.text),
    ),
  ];
  const out = {} as Record<Peer, SystemFigures>;
  const [project, projectMs] = await timed(() => projectSystem());
  out.project = await judge(project, projectMs, inScope, offTopic);
  const [bayes, bayesMs] = await timed(() => bayesSystem(training.examples, OUT_OF_SCOPE));
  out.bayes = await judge(bayes, bayesMs, inScope, offTopic);
  const [nlp, nlpMs] = await timed(() => nlpjsSystem(training.examples, OUT_OF_SCOPE));
  out.nlpjs = await judge(nlp, nlpMs, inScope, offTopic);
  return out;
}

export interface CorpusFigures {
  file: string;
  intents: number;
  train: number;
  tests: number;
  accuracy: Record<Peer, number>;
  trainMs: Record<Peer, number>;
}

export async function corpus(file: string): Promise<CorpusFigures | null> {
  if (!existsSync(file)) return null;
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    data: { intent: string; utterances?: string[]; tests?: string[] }[];
  };
  const train: Example[] = [];
  const tests: Example[] = [];
  for (const entry of data.data) {
    for (const text of entry.utterances ?? []) train.push({ text, intent: entry.intent });
    if (entry.utterances?.length) for (const text of entry.tests ?? []) tests.push({ text, intent: entry.intent });
  }
  const intents = [...new Set(train.map((e) => e.intent))];
  // The project's understanding trained on the corpus's intents as plain FAQ intents (as intents/eval/run-eval.ts does):
  // its French preprocessing and classifier, judged by its classifier's best intent.
  const training: TrainingSet = { catalog: intents.map((id) => ({ id, kind: 'faq', covers: id })), examples: train };
  const score = async (s: System) => {
    let right = 0;
    for (const t of tests) if ((await s.top1(t.text)) === t.intent) right++;
    return right / tests.length;
  };
  const [project, projectMs] = await timed(() => projectSystem(training));
  const [bayes, bayesMs] = await timed(() => bayesSystem(train, null));
  const [nlp, nlpMs] = await timed(() => nlpjsSystem(train, null));
  return {
    file,
    intents: intents.length,
    train: train.length,
    tests: tests.length,
    accuracy: { project: await score(project), bayes: await score(bayes), nlpjs: await score(nlp) },
    trainMs: { project: projectMs, bayes: bayesMs, nlpjs: nlpMs },
  };
}

/** The messages the understanding profile reads: the held-out files' and the long one. */
export function profiledMessages(): string[] {
  const labelled = loadLabelled(join(INTENTS_DIR, 'heldout', 'fr.jsonl')).map((e) => e.text);
  const nearOos = loadCases(join(INTENTS_DIR, 'heldout', 'near-oos.jsonl')).flatMap((c) => c.turns.map((t) => t.text));
  return [...labelled, ...nearOos, LONG_MESSAGE];
}

export { projectSystem };
