import { SparseBayes } from './sparse-bayes.ts';
import type { Preprocessor } from './preprocess.ts';

/** What a message is about: the exam, conversation with the assistant, or something else. */
export type ScopeLabel = 'exam' | 'chat' | 'off';
export type Scope = Record<ScopeLabel, number>;

/**
 * Is a message about the exam at all? A three-class natural Bayes classifier: every question about
 * the exam pooled together, every conversational message (greetings, thanks, "what can you do")
 * pooled together, and the off-topic ones; on stems plus "unknown word" markers. Pooling gives each
 * class far more evidence per word than any single intent has, and off-topic messages are mostly made
 * of words the domain never uses.
 */
export class ScopeClassifier {
  private readonly bayes: SparseBayes;

  constructor(
    private readonly preprocessor: Preprocessor,
    examples: { text: string; label: ScopeLabel }[],
    smoothing: number,
    private readonly unknownMarkers = true,
    minFeatureCount = 2,
  ) {
    this.bayes = new SparseBayes(
      examples.map((ex) => ({ features: this.features(ex.text), label: ex.label })),
      smoothing,
      minFeatureCount,
    );
  }

  private features(text: string): string[] {
    return this.preprocessor.process(text, { unknownFeatures: this.unknownMarkers }).features;
  }

  /** Probabilities of the three scopes (uniform prior); all 0 when no word is known. */
  classify(text: string): Scope {
    const scope: Scope = { exam: 0, chat: 0, off: 0 };
    for (const p of this.bayes.posterior(this.features(text), true)) scope[p.label as ScopeLabel] = p.probability;
    return scope;
  }
}
