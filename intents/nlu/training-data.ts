import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../../knowledge/validation-error.ts';

export const INTENT_KINDS = ['faq', 'guided', 'smalltalk', 'out_of_scope'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export const CatalogSchema = z.object({
  intents: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z_]+$/, 'snake_case intent id'),
        /** Its name in French, as staff read it in the console. */
        label: z.string().min(1),
        kind: z.enum(INTENT_KINDS),
        covers: z.string().min(1),
        subjects: z.array(z.string()).default([]),
        asks: z.array(z.string()).default([]),
        /** Subjects that make this intent unlikely when named (« l'attestation de réussite du centre » is not the Recteur's). */
        unlikely_with: z.array(z.string()).default([]),
        /** What « et après ? » asks once this intent was answered (the next step of the learner's path). */
        next: z.string().optional(),
        /** What « et si je l'ai pas ? » asks once this intent was answered. */
        if_failed: z.string().optional(),
        /**
         * A guided intent asked about rather than requested (« quelles sont les étapes pour s'inscrire ? »):
         * these intents' answers, with a button to be guided. A request (« aidez-moi à m'inscrire ») starts
         * the dialog.
         */
        when_asked: z.array(z.string()).optional(),
        /** The guided dialog a `guided` intent starts (checked at start: dialogs/wiring.ts). */
        dialog: z.string().optional(),
        /** A `smalltalk` intent's reply: a text of knowledge/conversation.fr.yaml, by its key (checked at start). */
        reply: z.string().optional(),
        /** The reply shows the menu's topics (a greeting, « what can you do »). */
        with_menu: z.boolean().optional(),
        /**
         * A `faq` intent answered by a computation over the learner's grade, date or place rather than
         * the entry's short answer: the name of one of the router's computed answers (checked at start).
         */
        compute: z.string().optional(),
      }),
    )
    .min(2),
  complements: z.array(z.tuple([z.string(), z.string()])).default([]),
  contrasts: z.array(z.tuple([z.string(), z.string()])).default([]),
  overview: z.record(z.string(), z.array(z.string()).min(1)).default({}),
  decisive_subjects: z.array(z.string()).default([]),
  told_training_end: z.array(z.string()).default([]),
});

export const TrainingFileSchema = z.object({
  intent: z.string(),
  utterances: z.array(z.string().trim().min(1)).min(20, 'at least 20 utterances per intent'),
});

export interface IntentInfo {
  id: string;
  /** Its name in French, as staff read it in the console. */
  label?: string;
  kind: IntentKind;
  covers: string;
  /** What a question answered by this intent is about, and what it asks (names from frames.fr.yaml). */
  subjects?: string[];
  asks?: string[];
  /** Subjects that make this intent unlikely when the question names them. */
  unlikely_with?: string[];
  next?: string;
  if_failed?: string;
  when_asked?: string[];
  dialog?: string;
  reply?: string;
  with_menu?: boolean;
  compute?: string;
}
export interface Example {
  text: string;
  intent: string;
}

export interface TrainingSet {
  catalog: IntentInfo[];
  examples: Example[];
  /** Pairs of intents answered together when a broad question is both. */
  complements?: [string, string][];
  /** Pairs of intents answered together when a question names both and compares them. */
  contrasts?: [string, string][];
  /** Subject → intents that answer a bare mention of it ("inscription ?"). */
  overview?: Record<string, string[]>;
  /** Subjects that name one intent so clearly that naming them settles it (« Cyclades »). */
  decisive?: string[];
  /** Intents that answer the end of one's training told without a question (« je finis en mars. »). */
  toldTrainingEnd?: string[];
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads intents/catalog.yaml and intents/training/*.yaml; every intent needs training data. */
export function loadTrainingSet(intentsDir: string): TrainingSet {
  const catalogFile = join(intentsDir, 'catalog.yaml');
  const catalogResult = CatalogSchema.safeParse(readYaml(catalogFile));
  if (!catalogResult.success) throw new Error(formatZodIssues(catalogFile, catalogResult.error));
  const catalog = catalogResult.data.intents;
  const known = new Set(catalog.map((i) => i.id));

  const examples: Example[] = [];
  const seen = new Set<string>();
  const trainingDir = join(intentsDir, 'training');
  for (const name of readdirSync(trainingDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = join(trainingDir, name);
    const result = TrainingFileSchema.safeParse(readYaml(file));
    if (!result.success) throw new Error(formatZodIssues(file, result.error));
    if (!known.has(result.data.intent)) {
      throw new Error(`${file}: intent: "${result.data.intent}" is not declared in ${catalogFile}`);
    }
    seen.add(result.data.intent);
    for (const text of result.data.utterances) examples.push({ text, intent: result.data.intent });
  }
  const missing = catalog.filter((i) => !seen.has(i.id)).map((i) => i.id);
  if (missing.length > 0) throw new Error(`${trainingDir}: no training file for intent(s): ${missing.join(', ')}`);
  const {
    complements,
    contrasts,
    overview,
    decisive_subjects: decisive,
    told_training_end: toldTrainingEnd,
  } = catalogResult.data;
  const unknown = [
    ...complements.flat(),
    ...contrasts.flat(),
    ...Object.values(overview).flat(),
    ...toldTrainingEnd,
    ...catalog.flatMap((i) => (i.next ? [i.next] : [])),
    ...catalog.flatMap((i) => (i.if_failed ? [i.if_failed] : [])),
    ...catalog.flatMap((i) => i.when_asked ?? []),
  ].filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new Error(
      `${catalogFile}: complements/contrasts/overview/told_training_end/next/when_asked: unknown intent(s): ${[...new Set(unknown)].join(', ')}`,
    );
  return { catalog, examples, complements, contrasts, overview, decisive, toldTrainingEnd };
}

/** Reads a labelled JSONL file ({"text","intent"} per line), e.g. the held-out test set. */
export function loadLabelled(file: string): Example[] {
  const Line = z.object({ text: z.string().min(1), intent: z.string().min(1) });
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => {
      const result = Line.safeParse(JSON.parse(line));
      if (!result.success) throw new Error(formatZodIssues(`${file}:${n}`, result.error));
      return result.data;
    });
}
