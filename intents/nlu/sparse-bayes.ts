import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';

/** The model inside natural's BayesClassifier (apparatus): counts per class and feature index. */
interface NaturalBayesModel {
  addExample(observation: number[], label: string): void;
  train(): void;
  getClassifications(observation: number[]): { label: string; value: number }[];
  classTotals: Record<string, number>;
  totalExamples: number;
}

export interface Posterior { label: string; probability: number }

/**
 * natural's BayesClassifier, fed sparse observations.
 *
 * natural's wrapper builds each document's 0/1 vector by looking every vocabulary word up in the
 * document (an indexOf per word): training is O(documents × vocabulary × length), about 300 ms per
 * classifier here, most of the start-up budget. We give its underlying model the same vectors built
 * directly from a feature → index map (a sparse array holding 1 at the present features' indices), so
 * the counts, and every value it computes, are the ones natural's wrapper would produce.
 * Its raw values (prior × Π P(feature|class)) are then normalised into a posterior.
 */
export class SparseBayes {
  private readonly model: NaturalBayesModel;
  private readonly index = new Map<string, number>();

  constructor(smoothing: number) {
    this.model = (new BayesClassifier(undefined, smoothing) as unknown as { classifier: NaturalBayesModel }).classifier;
  }

  add(features: string[], label: string): void {
    if (features.length === 0) return;
    for (const f of features) if (!this.index.has(f)) this.index.set(f, this.index.size);
    this.model.addExample(this.vector(features), label);
  }

  /** 1 at the index of each known feature (holes elsewhere, which natural's model reads as 0). */
  private vector(features: string[]): number[] {
    const v: number[] = [];
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) v[i] = 1;
    }
    return v;
  }

  train(): void {
    this.model.train();
  }

  knows(feature: string): boolean {
    return this.index.has(feature);
  }

  /**
   * Labels by decreasing posterior (summing to 1) given the known features; [] when none is known.
   * With `uniformPrior`, class sizes are ignored (off-topic examples outnumber any one question).
   */
  posterior(features: string[], uniformPrior: boolean): Posterior[] {
    const known = features.filter((f) => this.index.has(f));
    if (known.length === 0) return [];
    const values = this.model.getClassifications(this.vector(known)).map(({ label, value }) => ({
      label,
      value: uniformPrior ? value / (this.model.classTotals[label]! / this.model.totalExamples) : value,
    }));
    const total = values.reduce((s, v) => s + v.value, 0);
    if (!(total > 0)) return [];
    return values.map((v) => ({ label: v.label, probability: v.value / total })).sort((a, b) => b.probability - a.probability);
  }
}
