import { DEFAULT_CLASSIFIER, IntentClassifier, type ClassifierOptions, type Scored } from './classifier.ts';
import { extractDate, type FrenchDate } from './entities/date.ts';
import { extractGrade, type Grade } from './entities/grade.ts';
import { PlaceExtractor, type Gazetteer, type Place } from './entities/place.ts';
import { DEFAULT_PREPROCESS, Preprocessor, type Correction, type PreprocessOptions } from './preprocess.ts';
import { SmalltalkMatcher } from './smalltalk.ts';
import { sentences } from './text.ts';
import type { IntentInfo, TrainingSet } from './training-data.ts';
import type { Lexicon } from './lexicon.ts';

export type UnderstandingStatus = 'answered' | 'ambiguous' | 'fallback';

export interface Entities {
  grade?: Grade;
  date?: FrenchDate;
  place?: Place;
}

export interface Understanding {
  text: string;
  /** Best intent, even when not confident (for transcripts); `status` says whether to act on it. */
  intent: string | null;
  confidence: number;
  status: UnderstandingStatus;
  /** The best intents with their confidence, best first (at most 3). */
  alternatives: Scored[];
  entities: Entities;
  /** Words corrected as typos, for transcripts and debugging. */
  corrections: Correction[];
}

export interface DecisionOptions {
  /** Minimum confidence to answer. */
  answerThreshold: number;
  /** Two intents whose confidences differ by less than this are "ambiguous"... */
  ambiguityMargin: number;
  /** ...when together they reach at least this confidence. */
  ambiguityFloor: number;
  /** Weight of the share of understood words in the confidence (0 = posterior only). */
  coverageExponent: number;
}

export const DEFAULT_DECISION: DecisionOptions = { answerThreshold: 0.5, ambiguityMargin: 0.2, ambiguityFloor: 0.6, coverageExponent: 0.5 };

export const OUT_OF_SCOPE = 'hors_sujet';

/** Every tunable of understanding (defaults chosen by cross-validation on the training set: npm run eval -- --cv 5). */
export interface UnderstanderOptions {
  preprocess: Partial<PreprocessOptions>;
  classifier: Partial<ClassifierOptions>;
  decision: Partial<DecisionOptions>;
}

interface Reading { ranking: Scored[]; corrections: Correction[]; score: number }

/**
 * Turns a learner's message into an intent with a real confidence, plus entities.
 *
 * Confidence = Bayes posterior of the best intent × (share of the message's meaningful words that
 * training knows)^coverageExponent. natural always returns some label with a high relative value,
 * even for "un gâteau au chocolat"; unknown-word features inside the classifier and this coverage
 * factor are what let off-topic questions fall below the threshold. An explicit out-of-scope intent
 * catches off-topic messages whose words overlap the domain ("combien coûte un billet de train").
 */
export class Understander {
  constructor(
    private readonly classifier: IntentClassifier,
    private readonly preprocessor: Preprocessor,
    private readonly places: PlaceExtractor,
    private readonly smalltalk: SmalltalkMatcher,
    readonly catalog: IntentInfo[],
    private readonly decision: DecisionOptions = DEFAULT_DECISION,
  ) {}

  static build(training: TrainingSet, lexicon: Lexicon, gazetteer: Gazetteer, options: Partial<UnderstanderOptions> = {}): Understander {
    const preprocessor = new Preprocessor(lexicon, { ...DEFAULT_PREPROCESS, ...options.preprocess });
    const classifier = IntentClassifier.train(preprocessor, training.examples, { ...DEFAULT_CLASSIFIER, ...options.classifier });
    const decision = { ...DEFAULT_DECISION, ...options.decision };
    return new Understander(classifier, preprocessor, new PlaceExtractor(gazetteer), new SmalltalkMatcher(lexicon), training.catalog, decision);
  }

  private read(text: string): Reading | null {
    const pre = this.preprocessor.process(text);
    const c = this.classifier.classifyFeatures(pre.features);
    if (c.ranking.length === 0) return null;
    const unknownMarkers = pre.features.filter((f) => f.startsWith('zunk')).length;
    const known = c.knownFeatures - unknownMarkers;
    const unknownToClassifier = c.totalFeatures - c.knownFeatures;
    const coverage = known / Math.max(1, known + unknownToClassifier + pre.unknownWords);
    const factor = Math.pow(coverage, this.decision.coverageExponent);
    const ranking = c.ranking.map((r) => ({ intent: r.intent, probability: r.probability * factor }));
    const top = ranking[0]!;
    // Prefer an in-scope reading of one sentence over an out-of-scope reading of the whole.
    return { ranking, corrections: pre.corrections, score: top.intent === OUT_OF_SCOPE ? top.probability * 0.5 : top.probability };
  }

  /** The best reading among the whole message and each of its sentences. */
  score(text: string): { ranking: Scored[]; corrections: Correction[] } {
    const candidates = new Set([text, this.smalltalk.stripGreeting(text)]);
    const parts = sentences(text);
    if (parts.length > 1) for (const p of parts) candidates.add(p);
    let best: Reading | null = null;
    for (const candidate of candidates) {
      const reading = this.read(candidate);
      if (reading && (!best || reading.score > best.score)) best = reading;
    }
    return best ?? { ranking: [], corrections: [] };
  }

  extractEntities(text: string, today: Date): Entities {
    const entities: Entities = {};
    const grade = extractGrade(text);
    if (grade) entities.grade = grade;
    const date = extractDate(text, today);
    if (date) entities.date = date;
    const place = this.places.extract(text);
    if (place) entities.place = place;
    return entities;
  }

  understand(text: string, today: Date): Understanding {
    const entities = this.extractEntities(text, today);
    const small = this.smalltalk.match(text);
    if (small) {
      return { text, intent: small, confidence: 1, status: 'answered', alternatives: [{ intent: small, probability: 1 }], entities, corrections: [] };
    }
    const { ranking, corrections } = this.score(text);
    const alternatives = ranking.slice(0, 3);
    const first = alternatives[0];
    const second = alternatives[1];
    const base = { text, alternatives, entities, corrections };
    if (!first || first.intent === OUT_OF_SCOPE) {
      return { ...base, intent: first?.intent ?? null, confidence: first?.probability ?? 0, status: 'fallback' };
    }
    const d = this.decision;
    if (
      second && second.intent !== OUT_OF_SCOPE &&
      first.probability - second.probability < d.ambiguityMargin &&
      first.probability + second.probability >= d.ambiguityFloor
    ) {
      return { ...base, intent: first.intent, confidence: first.probability, status: 'ambiguous' };
    }
    const status: UnderstandingStatus = first.probability >= d.answerThreshold ? 'answered' : 'fallback';
    return { ...base, intent: first.intent, confidence: first.probability, status };
  }

  /** Place in a message; `bare` accepts a lone département number (answer to "which département?"). */
  extractPlace(text: string, bare = false): Place | null {
    return this.places.extract(text, { bare });
  }

  kindOf(intent: string): IntentInfo['kind'] | undefined {
    return this.catalog.find((i) => i.id === intent)?.kind;
  }
}
