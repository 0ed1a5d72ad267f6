import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { Example } from './training-data.ts';
import type { Preprocessor } from './preprocess.ts';

export interface ClassifierOptions {
  /** Additive smoothing of natural's Bayes classifier (its default is 1). */
  smoothing: number;
  /** Ignore class sizes: out-of-scope has many more examples than any one question. */
  uniformPrior: boolean;
  /** Give the scope gate "unknown word" features (see Preprocessor). */
  scopeUnknownMarkers: boolean;
}

export const DEFAULT_CLASSIFIER: ClassifierOptions = { smoothing: 1, uniformPrior: true, scopeUnknownMarkers: true };

export interface Scored { intent: string; probability: number }

export interface Classification {
  /** Intents by decreasing posterior probability (they sum to 1). */
  ranking: Scored[];
  /** Message features the classifier knows / all meaningful features of the message. */
  knownFeatures: number;
  totalFeatures: number;
}

interface ApparatusBayes { classTotals: Record<string, number>; totalExamples: number }

/**
 * natural's BayesClassifier on our own features, with its raw values turned into a posterior:
 * natural returns prior × Π P(feature|class), unnormalised and over present features only; we divide
 * by the sum over classes (and optionally by the prior) so scores are comparable between messages.
 */
export class IntentClassifier {
  private readonly bayes: BayesClassifier;
  private readonly known: Set<string>;

  private constructor(
    private readonly preprocessor: Preprocessor,
    private readonly options: ClassifierOptions,
    examples: Example[],
  ) {
    this.bayes = new BayesClassifier(undefined, options.smoothing);
    for (const ex of examples) {
      const features = preprocessor.process(ex.text).features;
      if (features.length > 0) this.bayes.addDocument(features, ex.intent);
    }
    this.bayes.train();
    this.known = new Set(Object.keys(this.bayes.features));
  }

  static train(preprocessor: Preprocessor, examples: Example[], options = DEFAULT_CLASSIFIER): IntentClassifier {
    preprocessor.learnVocabulary(examples.map((e) => e.text));
    return new IntentClassifier(preprocessor, options, examples);
  }

  classifyFeatures(features: string[]): Classification {
    const knownFeatures = features.filter((f) => this.known.has(f));
    if (knownFeatures.length === 0) return { ranking: [], knownFeatures: 0, totalFeatures: features.length };
    const raw = this.bayes.getClassifications(knownFeatures);
    const inner = (this.bayes as unknown as { classifier: ApparatusBayes }).classifier;
    const values = raw.map(({ label, value }) => {
      const prior = inner.classTotals[label]! / inner.totalExamples;
      return { intent: label, value: this.options.uniformPrior ? value / prior : value };
    });
    const total = values.reduce((s, v) => s + v.value, 0);
    const ranking = total > 0
      ? values.map((v) => ({ intent: v.intent, probability: v.value / total })).sort((a, b) => b.probability - a.probability)
      : [];
    return { ranking, knownFeatures: knownFeatures.length, totalFeatures: features.length };
  }

  classify(text: string): Classification {
    return this.classifyFeatures(this.preprocessor.process(text).features);
  }
}
