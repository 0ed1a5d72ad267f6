import { SparseBayes } from './sparse-bayes.ts';
import type { Example } from './training-data.ts';
import type { Preprocessor } from './preprocess.ts';

const IN = 'in_scope';
const OUT = 'out_of_scope';

/**
 * Is a message about the exam at all? A two-class natural Bayes classifier (every in-scope example
 * against the off-topic ones), on stems plus "unknown word" markers. Pooling all in-scope intents into
 * one class gives it far more evidence per word than any single intent has, and off-topic messages
 * are mostly made of words the domain never uses.
 */
export class ScopeClassifier {
  private readonly bayes: SparseBayes;

  constructor(
    private readonly preprocessor: Preprocessor,
    examples: Example[],
    outOfScopeIntent: string,
    smoothing: number,
    private readonly unknownMarkers = true,
  ) {
    this.bayes = new SparseBayes(smoothing);
    for (const ex of examples) this.bayes.add(this.features(ex.text), ex.intent === outOfScopeIntent ? OUT : IN);
    this.bayes.train();
  }

  private features(text: string): string[] {
    return this.preprocessor.process(text, { unknownFeatures: this.unknownMarkers }).features;
  }

  /** Probability that the message is in scope (uniform prior between the two classes). */
  inScope(text: string): number {
    const posterior = this.bayes.posterior(this.features(text), true);
    return posterior.find((p) => p.label === IN)?.probability ?? 0;
  }
}
