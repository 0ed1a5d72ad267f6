import { DEFAULT_CLASSIFIER, IntentClassifier, type ClassifierOptions, type Scored } from './classifier.ts';
import { extractDate, type FrenchDate } from './entities/date.ts';
import { extractGrade, type Grade } from './entities/grade.ts';
import { PlaceExtractor, type Gazetteer, type Place } from './entities/place.ts';
import { DEFAULT_PREPROCESS, Preprocessor, type Correction, type PreprocessOptions } from './preprocess.ts';
import { SmalltalkMatcher } from './smalltalk.ts';
import { ScopeClassifier, type Scope, type ScopeLabel } from './scope.ts';
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
  /** Below this probability of being about the exam at all, the message is refused. */
  scopeThreshold: number;
  /** The best intent's share of the in-scope posterior needed to answer directly. */
  answerThreshold: number;
  /** Two intents closer than this (in posterior) are "ambiguous"... */
  ambiguityMargin: number;
  /** ...and so is a best intent below answerThreshold when the two best together reach this. */
  ambiguityFloor: number;
  /** Conversational intents skip the scope gate but need this posterior (chit-chat looks like off-topic). */
  smalltalkThreshold: number;
  /** Between this and scopeThreshold, a message is still answered if its intent is this clear... */
  scopeFloor: number;
  clearIntent: number;
}

export const DEFAULT_DECISION: DecisionOptions = { scopeThreshold: 0.8, scopeFloor: 0.4, clearIntent: 0.9, answerThreshold: 0.3, ambiguityMargin: 0.15, ambiguityFloor: 0.6, smalltalkThreshold: 0.5 };

export const OUT_OF_SCOPE = 'hors_sujet';

/** Every tunable of understanding (defaults chosen by cross-validation on the training set: npm run eval -- --cv 5). */
export interface UnderstanderOptions {
  preprocess: Partial<PreprocessOptions>;
  classifier: Partial<ClassifierOptions>;
  decision: Partial<DecisionOptions>;
}

interface Reading { ranking: Scored[]; corrections: Correction[]; scope: Scope; score: number }

/**
 * Turns a learner's message into an intent with a real confidence, plus entities.
 *
 * Two decisions, each on a real probability. First, is the message about the exam at all? A two-class
 * Bayes gate (all in-scope examples against off-topic ones, with unknown-word markers) gives
 * P(in scope); below `scopeThreshold`, or when the off-topic intent wins, the assistant refuses.
 * Then, which question? natural's raw Bayes values over the intents are normalised into a posterior;
 * a clear winner is answered, two close intents get "Vouliez-vous dire…". The confidence recorded is
 * P(in scope) × P(intent).
 */
export class Understander {
  constructor(
    private readonly classifier: IntentClassifier,
    private readonly preprocessor: Preprocessor,
    private readonly places: PlaceExtractor,
    private readonly smalltalk: SmalltalkMatcher,
    private readonly scope: ScopeClassifier,
    readonly catalog: IntentInfo[],
    private readonly decision: DecisionOptions = DEFAULT_DECISION,
  ) {}

  static build(training: TrainingSet, lexicon: Lexicon, gazetteer: Gazetteer, options: Partial<UnderstanderOptions> = {}): Understander {
    const preprocessor = new Preprocessor(lexicon, { ...DEFAULT_PREPROCESS, ...options.preprocess });
    const places = new PlaceExtractor(gazetteer);
    // Place names become one token, in training as in use (see PlaceExtractor.mask).
    training = { ...training, examples: training.examples.map((e) => ({ ...e, text: places.mask(e.text) })) };
    const classifierOptions = { ...DEFAULT_CLASSIFIER, ...options.classifier };
    const decision = { ...DEFAULT_DECISION, ...options.decision };
    preprocessor.learnVocabulary(training.examples.map((e) => e.text));
    const kinds = new Map(training.catalog.map((i) => [i.id, i.kind]));
    const scopeOf = (intent: string): ScopeLabel => (intent === OUT_OF_SCOPE ? 'off' : kinds.get(intent) === 'smalltalk' ? 'chat' : 'exam');
    const { classifier, scope } = preprocessor.withMemo(() => ({
      // The intent classifier may leave the off-topic examples to the scope gate alone.
      classifier: IntentClassifier.train(
        preprocessor,
        classifierOptions.offTopicIntent ? training.examples : training.examples.filter((e) => e.intent !== OUT_OF_SCOPE),
        classifierOptions,
        false,
      ),
      scope: new ScopeClassifier(
        preprocessor,
        training.examples.map((e) => ({ text: e.text, label: scopeOf(e.intent) })),
        classifierOptions.scopeSmoothing,
        classifierOptions.scopeUnknownMarkers,
        classifierOptions.minFeatureCount,
      ),
    }));
    return new Understander(classifier, preprocessor, places, new SmalltalkMatcher(lexicon), scope, training.catalog, decision);
  }

  private read(original: string): Reading | null {
    const text = this.places.mask(original);
    const pre = this.preprocessor.process(text);
    const c = this.classifier.classifyFeatures(pre.features);
    if (c.ranking.length === 0) return null;
    const scope = this.scope.classify(text);
    // Prefer an in-scope reading of one sentence over an out-of-scope reading of the whole.
    return { ranking: c.ranking, corrections: pre.corrections, scope, score: Math.max(scope.exam, scope.chat) * c.ranking[0]!.probability };
  }

  /** The best reading among the whole message and each of its sentences. */
  score(text: string): { ranking: Scored[]; corrections: Correction[]; scope: Scope } {
    const candidates = new Set([text, this.smalltalk.stripGreeting(text)]);
    const parts = sentences(text);
    if (parts.length > 1) for (const p of parts) candidates.add(p);
    let best: Reading | null = null;
    for (const candidate of candidates) {
      const reading = this.read(candidate);
      if (reading && (!best || reading.score > best.score)) best = reading;
    }
    return best ?? { ranking: [], corrections: [], scope: { exam: 0, chat: 0, off: 1 } };
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
    const { ranking, corrections, scope } = this.score(text);
    const d = this.decision;
    const isChat = (intent: string) => this.kindOf(intent) === 'smalltalk';
    // P(about the exam | not conversation): the gate for questions, comparable across messages.
    const examScope = scope.exam + scope.off > 0 ? scope.exam / (scope.exam + scope.off) : 0;
    // Confidence recorded for each intent: P(scope) × P(intent | message).
    const confidenceOf = (r: Scored): number =>
      r.intent === OUT_OF_SCOPE ? scope.off : isChat(r.intent) ? r.probability * scope.chat : r.probability * examScope;
    const result = (intent: string | null, status: UnderstandingStatus): Understanding => {
      const scored = ranking.map((r) => ({ intent: r.intent, probability: confidenceOf(r) }));
      const chosen = scored.find((a) => a.intent === intent);
      const others = scored.filter((a) => a.intent !== intent).sort((a, b) => b.probability - a.probability);
      const alternatives = (chosen ? [chosen, ...others] : others).slice(0, 3);
      return { text, intent, confidence: chosen?.probability ?? 0, status, alternatives, entities, corrections };
    };
    if (ranking.length === 0) return result(null, 'fallback');

    // Conversation (greetings, thanks, "what can you do"): no fact is asserted, the pooled class decides.
    if (scope.chat >= scope.exam && scope.chat >= scope.off) {
      const chat = ranking.find((r) => isChat(r.intent));
      // Which conversational intent must be clear too: "une bonne blague ?" is not a goodbye.
      if (chat && scope.chat >= d.smalltalkThreshold && chat.probability >= d.clearIntent) return result(chat.intent, 'answered');
      return result(chat?.intent ?? OUT_OF_SCOPE, 'fallback');
    }
    const questions = ranking.filter((r) => !isChat(r.intent));
    const first = questions[0];
    const second = questions[1];
    if (!first) return result(OUT_OF_SCOPE, 'fallback');
    const outOfScope = first.intent === OUT_OF_SCOPE ||
      examScope < d.scopeFloor || (examScope < d.scopeThreshold && first.probability < d.clearIntent);
    if (outOfScope) return result(OUT_OF_SCOPE, 'fallback');
    const close = !!second && second.intent !== OUT_OF_SCOPE && first.probability - second.probability < d.ambiguityMargin;
    const unsure = first.probability < d.answerThreshold;
    if ((close || unsure) && second && second.intent !== OUT_OF_SCOPE && first.probability + second.probability >= d.ambiguityFloor) {
      return result(first.intent, 'ambiguous');
    }
    return result(first.intent, unsure ? 'fallback' : 'answered');
  }

  /** Place in a message; `bare` accepts a lone département number (answer to "which département?"). */
  extractPlace(text: string, bare = false): Place | null {
    return this.places.extract(text, { bare });
  }

  kindOf(intent: string): IntentInfo['kind'] | undefined {
    return this.catalog.find((i) => i.id === intent)?.kind;
  }
}
