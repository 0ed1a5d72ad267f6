// natural's deep modules have no typings of their own at these paths. We import them one by one
// (instead of `natural`) so start-up does not load natural's database backends or run dotenv.
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  interface Classification {
    label: string;
    value: number;
  }
  class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number);
    addDocument(text: string | string[], label: string): void;
    train(): void;
    getClassifications(observation: string | string[]): Classification[];
    classify(observation: string | string[]): string;
    features: Record<string, number>;
    docs: { label: string; text: string[] }[];
  }
  export default BayesClassifier;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_fr.js' {
  const PorterStemmerFr: { stem(token: string): string; tokenizeAndStem(text: string, keepStops?: boolean): string[] };
  export default PorterStemmerFr;
}
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  export function DamerauLevenshteinDistance(
    a: string,
    b: string,
    options?: { transposition_cost?: number; restricted?: boolean },
  ): number;
  export function LevenshteinDistance(a: string, b: string): number;
}
