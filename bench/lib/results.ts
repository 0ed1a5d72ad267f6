/** The keys of bench/results.json that other tools and the smoke test rely on (all numbers). */
export const RESULT_KEYS = [
  ...['project', 'echo', 'bare'].flatMap((b) => ['rps', 'p50ms', 'p99ms'].map((k) => `http.${b}.c10.${k}`)),
  'http.project.c50.rps',
  'http.project.c50.p99ms',
  ...['project', 'bayes', 'nlpjs'].flatMap((s) =>
    ['accuracy', 'oosRefusal', 'p50us', 'p99us'].map((k) => `understanding.${s}.${k}`),
  ),
  ...['project', 'bayes', 'nlpjs'].map((s) => `corpus.${s}.accuracy`),
  'startup.npmStartMs',
  'startup.processMs',
  'memory.rssMb10k',
  'memory.rssMb50k',
  'transcripts.writesPerSec',
] as const;

export function valueAt(results: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), results);
}

/**
 * The keys whose value is not a number. The corpus figures may be null when the corpus is absent
 * (the bench says so), never missing.
 */
export function missingKeys(results: unknown): string[] {
  return RESULT_KEYS.filter((key) => {
    const v = valueAt(results, key);
    if (key.startsWith('corpus.') && v === null) return false;
    return typeof v !== 'number' || Number.isNaN(v);
  });
}
