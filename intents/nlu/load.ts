import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CueReader } from './cues.ts';
import { loadLexicon } from './lexicon.ts';
import { loadTrainingSet, type TrainingSet } from './training-data.ts';
import { Understander, type UnderstanderOptions } from './understand.ts';
import type { Gazetteer } from './entities/place.ts';

/** The intents/ folder of this project (data: catalog, training utterances, lexicon, held-out set). */
export const INTENTS_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface UnderstanderSources {
  intentsDir?: string;
  gazetteer: Gazetteer;
  /** Replace the training set (e.g. another corpus for benchmarks). */
  training?: TrainingSet;
  options?: Partial<UnderstanderOptions>;
}

/** Reads the intents data and trains the classifier (a few hundred milliseconds). */
export function loadUnderstander(sources: UnderstanderSources): Understander {
  const dir = sources.intentsDir ?? INTENTS_DIR;
  const training = sources.training ?? loadTrainingSet(dir);
  const lexicon = loadLexicon(join(dir, 'lexicon.fr.yaml'));
  const cues = CueReader.load(join(dir, 'frames.fr.yaml'));
  return Understander.build(training, lexicon, sources.gazetteer, cues, sources.options ?? {});
}
