import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../../knowledge/validation-error.ts';

const LexiconSchema = z.object({
  stopwords: z.array(z.string().regex(/^[a-z0-9_]+$/, 'lower-case word without accents')),
  replacements: z.record(z.string(), z.string()),
  smalltalk: z.record(z.string().regex(/^[a-z_]+$/), z.array(z.string().min(1))).default({}),
  synonyms: z.record(z.string().regex(/^[a-z]+$/), z.array(z.string().regex(/^[a-z]+$/, 'one lower-case word without accents'))).default({}),
});

/** Normalisation data read from intents/lexicon.fr.yaml. */
export interface Lexicon {
  stopwords: ReadonlySet<string>;
  /** token → replacement tokens */
  replacements: ReadonlyMap<string, string[]>;
  /** smalltalk intent → whole phrases (folded) */
  smalltalk: ReadonlyMap<string, string[]>;
  /** variant word → canonical word (compared after stemming) */
  synonyms: ReadonlyMap<string, string>;
}

export function loadLexicon(file: string): Lexicon {
  const raw = parse(readFileSync(file, 'utf8')) as unknown;
  const result = LexiconSchema.safeParse(raw);
  if (!result.success) throw new Error(formatZodIssues(file, result.error));
  const replacements = new Map<string, string[]>();
  for (const [from, to] of Object.entries(result.data.replacements)) {
    // Keys ending in "_" are YAML-friendly duplicates of an existing key (e.g. "exam_").
    replacements.set(from.replace(/_$/, ''), to.split(/\s+/).filter(Boolean));
  }
  const smalltalk = new Map(Object.entries(result.data.smalltalk).map(([intent, phrases]) => [intent, phrases.map((p) => p.trim())]));
  const synonyms = new Map<string, string>();
  for (const [canonical, variants] of Object.entries(result.data.synonyms)) for (const v of variants) synonyms.set(v, canonical);
  return { stopwords: new Set(result.data.stopwords), replacements, smalltalk, synonyms };
}
