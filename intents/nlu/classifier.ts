import { SparseBayes } from './sparse-bayes.ts';
import type { Example } from './training-data.ts';
import type { Preprocessor } from './preprocess.ts';

export interface ClassifierOptions {
  /** Additive smoothing of natural's Bayes classifier for intents (natural's default is 1). */
  smoothing: number;
  /** The same for the scope gate. */
  scopeSmoothing: number;
  /** Ignore class sizes: out-of-scope has many more examples than any one question. */
  uniformPrior: boolean;
  /** Give the scope gate "unknown word" features (see Preprocessor). */
  scopeUnknownMarkers: boolean;
  /** Keep the off-topic examples as an intent of their own (besides the scope gate). */
  offTopicIntent: boolean;
  /** Word pairs seen fewer times than this in training are not used (every single word is). */
  minFeatureCount: number;
}

export const DEFAULT_CLASSIFIER: ClassifierOptions = {
  smoothing: 0.3,
  scopeSmoothing: 0.3,
  uniformPrior: true,
  scopeUnknownMarkers: true,
  offTopicIntent: true,
  minFeatureCount: 1,
};

export interface Scored {
  intent: string;
  probability: number;
}

export interface Classification {
  /** Intents by decreasing posterior probability (they sum to 1). */
  ranking: Scored[];
  /** Message features the classifier knows / all meaningful features of the message. */
  knownFeatures: number;
  totalFeatures: number;
}

/** Which intent: natural's Bayes classifier over the preprocessed features of every training example. */
export class IntentClassifier {
  private readonly bayes: SparseBayes;

  private constructor(
    private readonly preprocessor: Preprocessor,
    private readonly options: ClassifierOptions,
    examples: Example[],
  ) {
    this.bayes = new SparseBayes(
      examples.map((ex) => ({ features: preprocessor.process(ex.text).features, label: ex.intent })),
      options.smoothing,
      options.minFeatureCount,
    );
  }

  static train(
    preprocessor: Preprocessor,
    examples: Example[],
    options = DEFAULT_CLASSIFIER,
    learnVocabulary = true,
  ): IntentClassifier {
    if (learnVocabulary) preprocessor.learnVocabulary(examples.map((e) => e.text));
    return new IntentClassifier(preprocessor, options, examples);
  }

  classifyFeatures(features: string[]): Classification {
    const ranking = this.bayes
      .posterior(features, this.options.uniformPrior)
      .map((p) => ({ intent: p.label, probability: p.probability }));
    return {
      ranking,
      knownFeatures: features.filter((f) => this.bayes.knows(f)).length,
      totalFeatures: features.length,
    };
  }

  classify(text: string): Classification {
    return this.classifyFeatures(this.preprocessor.process(text).features);
  }
}
