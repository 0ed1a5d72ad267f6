import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';

/** The model inside natural's BayesClassifier (apparatus): counts per class and feature index. */
interface NaturalBayesModel {
  addExample(observation: number[], label: string): void;
  train(): void;
  getClassifications(observation: number[] | Record<number, number>): { label: string; value: number }[];
  classTotals: Record<string, number>;
  totalExamples: number;
}

export interface Posterior {
  label: string;
  probability: number;
}
export interface Document {
  features: string[];
  label: string;
}

/**
 * natural's BayesClassifier, fed index vectors directly.
 *
 * natural's wrapper builds each document's 0/1 vector by looking every vocabulary word up in the
 * document (an indexOf per word): training is O(documents × vocabulary × length), most of the
 * start-up budget here. We give its underlying model the same kind of vectors, built from a
 * feature → index map (a sparse array holding 1 at the present features' indices), so the counts
 * and every value it computes are the ones natural would produce for that vocabulary.
 *
 * The vocabulary keeps every word, and the word pairs seen at least `minCount` times (a pair seen
 * once teaches nothing that generalises, and pairs are most of the vocabulary), most frequent first:
 * natural's model walks each vector up to its highest index, so common features get small indices.
 */
export class SparseBayes {
  private readonly model: NaturalBayesModel;
  private readonly index = new Map<string, number>();

  constructor(documents: Document[], smoothing: number, minCount = 2) {
    this.model = (new BayesClassifier(undefined, smoothing) as unknown as { classifier: NaturalBayesModel }).classifier;
    const counts = new Map<string, number>();
    for (const d of documents) for (const f of new Set(d.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    [...counts]
      .filter(([f, n]) => n >= minCount || !f.includes('_'))
      .sort((a, b) => b[1] - a[1])
      .forEach(([f], i) => this.index.set(f, i));
    for (const d of documents) {
      const v = this.vector(d.features);
      if (v.length > 0) this.model.addExample(v, d.label);
    }
    this.model.train();
  }

  /** 1 at the index of each known feature, 0 elsewhere, up to the highest such index. */
  private vector(features: string[]): number[] {
    const indices: number[] = [];
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) indices.push(i);
    }
    if (indices.length === 0) return [];
    // A packed array of zeros, not a holey one: V8 reads holes through the prototype chain, which
    // made natural's loop over the vector several times slower.
    const v = new Array<number>(Math.max(...indices) + 1).fill(0);
    for (const i of indices) v[i] = 1;
    return v;
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
    // natural's model also reads a sparse observation (an object whose values are feature indices):
    // the same sum over the present features, without walking a dense vector up to its highest index.
    // (Training keeps dense vectors: the model's sparse addExample does not count the example.)
    const sparse: Record<number, number> = {};
    [...new Set(known.map((f) => this.index.get(f)!))].forEach((i, k) => {
      sparse[k] = i;
    });
    const values = this.model.getClassifications(sparse).map(({ label, value }) => ({
      label,
      value: uniformPrior ? value / (this.model.classTotals[label]! / this.model.totalExamples) : value,
    }));
    const total = values.reduce((s, v) => s + v.value, 0);
    if (!(total > 0)) return [];
    return values
      .map((v) => ({ label: v.label, probability: v.value / total }))
      .sort((a, b) => b.probability - a.probability);
  }
}
