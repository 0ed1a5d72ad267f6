import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';

/** The model inside natural's BayesClassifier (apparatus): counts per class and feature index. */
interface NaturalBayesModel {
  addExample(observation: number[], label: string): void;
  train(): void;
  classFeatures: Record<string, Record<number, number>>;
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
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
  private readonly index = new Map<string, number>();
  /**
   * natural's model, read once after training (and not kept) so that scoring does not look every
   * (class, feature) count up in objects and take its logarithm again per message: the classes in the
   * model's order, each class's share of the examples, the log of a feature's smoothed count for a
   * class that never saw it, and per feature index (CSR: `rowStart`) the classes that saw it with the
   * log of their count. The values are those natural's probabilityOfClass computes, summed in its order.
   */
  private readonly labels: string[];
  private readonly priors: number[];
  private readonly unseenLog: Float64Array;
  private readonly rowStart: Int32Array;
  private readonly rowClass: Int32Array;
  private readonly rowLog: Float64Array;

  constructor(documents: Document[], smoothing: number, minCount = 2) {
    const model = (new BayesClassifier(undefined, smoothing) as unknown as { classifier: NaturalBayesModel })
      .classifier;
    const counts = new Map<string, number>();
    for (const d of documents) for (const f of new Set(d.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    [...counts]
      .filter(([f, n]) => n >= minCount || !f.includes('_'))
      .sort((a, b) => b[1] - a[1])
      .forEach(([f], i) => this.index.set(f, i));
    for (const d of documents) {
      const v = this.vector(d.features);
      if (v.length > 0) model.addExample(v, d.label);
    }
    model.train();
    // natural's getClassifications walks the classes with for…in: the same order as Object.keys.
    this.labels = Object.keys(model.classFeatures);
    this.priors = this.labels.map((label) => model.classTotals[label]! / model.totalExamples);
    this.unseenLog = Float64Array.from(this.labels, (label) => Math.log(model.smoothing / model.classTotals[label]!));
    const rows: [number, number][][] = Array.from({ length: this.index.size }, () => []);
    this.labels.forEach((label, c) => {
      for (const [i, count] of Object.entries(model.classFeatures[label]!))
        // (natural's `count || smoothing`: a count is never 0, it starts at 1 + smoothing.)
        rows[Number(i)]!.push([c, Math.log((count || model.smoothing) / model.classTotals[label]!)]);
    });
    this.rowStart = new Int32Array(rows.length + 1);
    rows.forEach((row, i) => (this.rowStart[i + 1] = this.rowStart[i]! + row.length));
    this.rowClass = new Int32Array(this.rowStart[rows.length]!);
    this.rowLog = new Float64Array(this.rowStart[rows.length]!);
    let at = 0;
    for (const row of rows)
      for (const [c, log] of row) {
        this.rowClass[at] = c;
        this.rowLog[at++] = log;
      }
  }

  /**
   * natural's getClassifications for a sparse observation (the distinct feature indices, in order):
   * per class, the sum of the logs of the features' smoothed counts, in the observation's order, then
   * its prior times the exponential (per class index); and the classes by decreasing value, as natural
   * sorts them.
   */
  private classifications(indices: number[]): { values: Float64Array; order: number[] } {
    const classes = this.labels.length;
    const sums = new Float64Array(classes);
    for (const i of indices) {
      let k = this.rowStart[i]!;
      const end = this.rowStart[i + 1]!;
      // Each row's classes are in increasing order: one pass over the classes.
      for (let c = 0; c < classes; c++) {
        if (k < end && this.rowClass[k] === c) sums[c]! += this.rowLog[k++]!;
        else sums[c]! += this.unseenLog[c]!;
      }
    }
    const values = sums.map((sum, c) => this.priors[c]! * Math.exp(sum));
    return { values, order: this.labels.map((_, c) => c).sort((x, y) => values[y]! - values[x]!) };
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
    // The distinct known features' indices, in the order of their first occurrence.
    const indices: number[] = [];
    const seen = new Set<number>();
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined && !seen.has(i)) {
        seen.add(i);
        indices.push(i);
      }
    }
    if (indices.length === 0) return [];
    // What natural's model computes for a sparse observation (the distinct present feature indices),
    // from the tables read after training. (Training keeps dense vectors: the model's sparse
    // addExample does not count the example.)
    // (Per class index, in natural's order: no object per class until the result.)
    const { values, order } = this.classifications(indices);
    if (uniformPrior) for (let c = 0; c < values.length; c++) values[c] = values[c]! / this.priors[c]!;
    let total = 0;
    for (const c of order) total += values[c]!;
    if (!(total > 0)) return [];
    const probabilities = values.map((v) => v / total);
    return order
      .sort((x, y) => probabilities[y]! - probabilities[x]!)
      .map((c) => ({ label: this.labels[c]!, probability: probabilities[c]! }));
  }
}
