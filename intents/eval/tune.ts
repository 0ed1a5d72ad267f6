/**
 * npm run eval:tune — chooses the understanding options by stratified k-fold cross-validation on
 * the TRAINING utterances only (the held-out file is never looked at), and prints the best settings.
 * Score = in-scope accuracy + out-of-scope refusal (both matter equally to learners).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AcademyDirectory } from '../../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../../knowledge/paths.ts';
import { loadTrainingSet, type Example } from '../nlu/training-data.ts';
import { INTENTS_DIR, loadUnderstander } from '../nlu/load.ts';
import { OUT_OF_SCOPE, type UnderstanderOptions } from '../nlu/understand.ts';

const K = 5;
const TODAY = new Date(2026, 10, 26);
const gazetteer = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer();
const training = loadTrainingSet(INTENTS_DIR);

function folds(examples: Example[]): Example[][] {
  const out: Example[][] = Array.from({ length: K }, () => []);
  const byIntent = new Map<string, Example[]>();
  for (const e of examples) (byIntent.get(e.intent) ?? byIntent.set(e.intent, []).get(e.intent)!).push(e);
  for (const list of byIntent.values()) list.forEach((e, i) => out[i % K]!.push(e));
  return out;
}

interface Prediction {
  expected: string;
  intent: string | null;
  confidence: number;
  status: string;
}

/** Predictions on each held-back fold, the model trained on the other folds. */
function predictions(options: Partial<UnderstanderOptions>): Prediction[] {
  const parts = folds(training.examples);
  const out: Prediction[] = [];
  for (let k = 0; k < K; k++) {
    const train = parts.filter((_, i) => i !== k).flat();
    const understander = loadUnderstander({
      gazetteer,
      training: { catalog: training.catalog, examples: train },
      options,
    });
    for (const t of parts[k]!) {
      const u = understander.understand(t.text, TODAY);
      out.push({ expected: t.intent, intent: u.intent, confidence: u.confidence, status: u.status });
    }
  }
  return out;
}

/** Accuracy: the right intent, answered or offered first in "Vouliez-vous dire"; refusal: off-topic refused. */
function score(preds: Prediction[]): { accuracy: number; refusal: number } {
  const refused = (p: Prediction) => p.status === 'fallback';
  const inScope = preds.filter((p) => p.expected !== OUT_OF_SCOPE);
  const oos = preds.filter((p) => p.expected === OUT_OF_SCOPE);
  const correct = inScope.filter((p) => !refused(p) && p.intent === p.expected).length;
  return { accuracy: correct / inScope.length, refusal: oos.filter(refused).length / oos.length };
}

export function crossValidate(options: Partial<UnderstanderOptions>): { accuracy: number; refusal: number } {
  return score(predictions(options));
}

let args;
try {
  args = parseArgs({ options: { confusions: { type: 'string' }, one: { type: 'string' } } }).values;
} catch (err) {
  console.error(
    `${(err as Error).message}\nusage: npm run eval:tune -- [--one OPTIONS_JSON | --confusions OPTIONS_JSON]`,
  );
  process.exit(2);
}

if (args.confusions !== undefined) {
  const preds = predictions(JSON.parse(args.confusions || '{}') as Partial<UnderstanderOptions>);
  const pairs = new Map<string, number>();
  for (const p of preds) {
    const got = p.status === 'fallback' ? 'REFUSED' : (p.intent ?? 'none');
    if (got !== p.expected) pairs.set(`${p.expected} → ${got}`, (pairs.get(`${p.expected} → ${got}`) ?? 0) + 1);
  }
  for (const [pair, n] of [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(n).padStart(4), pair);
  process.exit(0);
}

if (args.one !== undefined) {
  const r = crossValidate(JSON.parse(args.one || '{}') as Partial<UnderstanderOptions>);
  console.log(`accuracy ${(100 * r.accuracy).toFixed(2)}%  refusal ${(100 * r.refusal).toFixed(2)}%`);
  process.exit(0);
}

const grid: Partial<UnderstanderOptions>[] = [];
for (const scopeThreshold of [0.5, 0.6, 0.7, 0.8])
  for (const scopeFloor of [0.2, 0.3, 0.4])
    for (const clearIntent of [0.8, 0.9])
      for (const smalltalkThreshold of [0.5, 0.6])
        grid.push({
          decision: {
            scopeThreshold,
            scopeFloor: Math.min(scopeFloor, scopeThreshold),
            clearIntent,
            answerThreshold: 0.3,
            smalltalkThreshold,
          },
        });

// Learners must not get invented answers: among settings refusing ≥ 90 % of off-topic questions in
// cross-validation, the most accurate wins.
const results = grid
  .map((options) => ({ options, ...crossValidate(options) }))
  .map((r) => ({ ...r, score: (r.refusal >= 0.9 ? 1 : 0) + r.accuracy }))
  .sort((a, b) => b.score - a.score);
for (const r of results.slice(0, 10)) {
  console.log(
    `accuracy ${(100 * r.accuracy).toFixed(1)}%  refusal ${(100 * r.refusal).toFixed(1)}%  ${JSON.stringify(r.options)}`,
  );
}
