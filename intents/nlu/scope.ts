import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { Example } from './training-data.ts';
import type { Preprocessor } from './preprocess.ts';

interface ApparatusBayes { classTotals: Record<string, number>; totalExamples: number }

const IN = 'in_scope';
const OUT = 'out_of_scope';

/**
 * Is a message about the exam at all? A two-class natural BayesClassifier (every in-scope example
 * against the off-topic ones), on stems plus "unknown word" markers. Pooling all in-scope intents into
 * one class gives it far more evidence per word than any single intent has, and off-topic messages
 * are mostly made of words the domain never uses.
 */
export class ScopeClassifier {
  private readonly bayes: BayesClassifier;
  private readonly known: Set<string>;

  constructor(
    private readonly preprocessor: Preprocessor,
    examples: Example[],
    outOfScopeIntent: string,
    smoothing: number,
    private readonly unknownMarkers = true,
  ) {
    this.bayes = new BayesClassifier(undefined, smoothing);
    for (const ex of examples) {
      const features = this.features(ex.text);
      if (features.length > 0) this.bayes.addDocument(features, ex.intent === outOfScopeIntent ? OUT : IN);
    }
    this.bayes.train();
    this.known = new Set(Object.keys(this.bayes.features));
  }

  private features(text: string): string[] {
    return this.preprocessor.process(text, { unknownFeatures: this.unknownMarkers }).features;
  }

  /** Probability that the message is in scope (uniform prior between the two classes). */
  inScope(text: string): number {
    const features = this.features(text).filter((f) => this.known.has(f));
    if (features.length === 0) return 0;
    const inner = (this.bayes as unknown as { classifier: ApparatusBayes }).classifier;
    const values = new Map(this.bayes.getClassifications(features).map((c) => [c.label, c.value / (inner.classTotals[c.label]! / inner.totalExamples)]));
    const pin = values.get(IN) ?? 0;
    const pout = values.get(OUT) ?? 0;
    return pin + pout > 0 ? pin / (pin + pout) : 0;
  }
}
