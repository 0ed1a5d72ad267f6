/**
 * npm run eval:tune — chooses the understanding options by stratified k-fold cross-validation on
 * the TRAINING utterances only (the held-out file is never looked at), and prints the best settings.
 * Score = in-scope accuracy + out-of-scope refusal (both matter equally to learners).
 */
import { join } from 'node:path';
import { AcademyDirectory } from '../../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../../knowledge/paths.ts';
import { loadTrainingSet, type Example } from '../nlu/training-data.ts';
import { INTENTS_DIR, loadUnderstander } from '../nlu/load.ts';
import { OUT_OF_SCOPE, type UnderstanderOptions } from '../nlu/understand.ts';

const K = 5;
const TODAY = new Date(2026, 10, 26);
const gazetteer = { names: AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).placeNames() };
const training = loadTrainingSet(INTENTS_DIR);

function folds(examples: Example[]): Example[][] {
  const out: Example[][] = Array.from({ length: K }, () => []);
  const byIntent = new Map<string, Example[]>();
  for (const e of examples) (byIntent.get(e.intent) ?? byIntent.set(e.intent, []).get(e.intent)!).push(e);
  for (const list of byIntent.values()) list.forEach((e, i) => out[i % K]!.push(e));
  return out;
}

export function crossValidate(options: Partial<UnderstanderOptions>): { accuracy: number; refusal: number } {
  const parts = folds(training.examples);
  let correct = 0, inScope = 0, refused = 0, oos = 0;
  for (let k = 0; k < K; k++) {
    const train = parts.filter((_, i) => i !== k).flat();
    const understander = loadUnderstander({ gazetteer, training: { catalog: training.catalog, examples: train }, options });
    for (const t of parts[k]!) {
      const u = understander.understand(t.text, TODAY);
      const isRefused = u.status === 'fallback';
      if (t.intent === OUT_OF_SCOPE) { oos++; if (isRefused) refused++; } else { inScope++; if (!isRefused && u.status !== 'ambiguous' && u.intent === t.intent) correct++; }
    }
  }
  return { accuracy: correct / inScope, refusal: refused / oos };
}

const grid: Partial<UnderstanderOptions>[] = process.argv[2] ? [JSON.parse(process.argv[2])] : [];
if (!process.argv[2])
for (const smoothing of [0.05, 0.2, 0.5, 1])
  for (const stemPrefix of [0, 5, 6])
    for (const unknownFeatures of [true, false])
      for (const coverageExponent of [0, 0.5, 1])
        for (const answerThreshold of [0.35, 0.45, 0.55])
          grid.push({ classifier: { smoothing }, preprocess: { stemPrefix, unknownFeatures }, decision: { coverageExponent, answerThreshold } });

const results = grid.map((options) => ({ options, ...crossValidate(options) }))
  .map((r) => ({ ...r, score: r.accuracy + r.refusal }))
  .sort((a, b) => b.score - a.score);
for (const r of results.slice(0, 10)) {
  console.log(`accuracy ${(100 * r.accuracy).toFixed(1)}%  refusal ${(100 * r.refusal).toFixed(1)}%  ${JSON.stringify(r.options)}`);
}
