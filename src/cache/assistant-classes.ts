import { AcademyDirectory } from '../../knowledge/academies.ts';
import { Coverage } from '../../knowledge/coverage.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { IntentClassifier } from '../../intents/nlu/classifier.ts';
import { CueReader } from '../../intents/nlu/cues.ts';
import { PlaceExtractor } from '../../intents/nlu/entities/place.ts';
import { Preprocessor } from '../../intents/nlu/preprocess.ts';
import { ScopeClassifier } from '../../intents/nlu/scope.ts';
import { SmalltalkMatcher } from '../../intents/nlu/smalltalk.ts';
import { SparseBayes } from '../../intents/nlu/sparse-bayes.ts';
import { Understander } from '../../intents/nlu/understand.ts';
import type { ClassTable } from './snapshot.ts';

/**
 * The classes whose instances the checked data (src/assistant.ts, AssistantData) and a trained
 * understanding hold, for their snapshots (src/cache/snapshot.ts). A class added inside either is
 * refused by the snapshot until it is named here — test/start-cache.test.ts says which — and the
 * start then builds as it would without a cache.
 */
export const ASSISTANT_CLASSES: ClassTable = {
  KnowledgeBase,
  Coverage,
  AcademyDirectory,
  Understander,
  IntentClassifier,
  ScopeClassifier,
  SparseBayes,
  Preprocessor,
  PlaceExtractor,
  SmalltalkMatcher,
  CueReader,
};
