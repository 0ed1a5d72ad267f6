import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../../knowledge/validation-error.ts';
import { CatalogSchema, TrainingFileSchema, type IntentInfo, type TrainingSet } from './training-data.ts';

/**
 * A sheet's own intents (a knowledge base's `document.intents`: a folder with catalog.yaml and
 * training/<intent>.yaml, in the shapes of intents/), added to the project's. A second training adds
 * the questions only its sheet answers without touching intents/; what both sheets share (registration,
 * exam, grade…) stays in intents/, trained once.
 */

const SheetCatalogSchema = CatalogSchema.extend({ intents: z.array(CatalogSchema.shape.intents.element).min(1) });

export interface SheetIntents {
  /** The sheet's catalog.yaml, for the messages that name it. */
  catalogFile: string;
  intents: IntentInfo[];
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read it: ${(err as Error).message}`, { cause: err });
  }
}

/** The base training set with the sheet's intents, their sentences, complements and overviews. */
export function withSheetIntents(base: TrainingSet, dir: string): { training: TrainingSet; sheet: SheetIntents } {
  const catalogFile = join(dir, 'catalog.yaml');
  const parsed = SheetCatalogSchema.safeParse(readYaml(catalogFile));
  if (!parsed.success) throw new Error(formatZodIssues(catalogFile, parsed.error));
  const { intents, complements, overview, decisive_subjects: decisive } = parsed.data;
  const baseIds = new Set(base.catalog.map((i) => i.id));
  intents.forEach((info, i) => {
    if (baseIds.has(info.id))
      throw new Error(`${catalogFile}: intents[${i}].id: "${info.id}" is already an intent of intents/catalog.yaml`);
  });
  const own = new Set(intents.map((i) => i.id));
  const known = new Set([...baseIds, ...own]);
  intents.forEach((info, i) => {
    for (const [field, ids] of [
      ['next', info.next ? [info.next] : []],
      ['if_failed', info.if_failed ? [info.if_failed] : []],
      ['when_asked', info.when_asked ?? []],
    ] as const) {
      for (const id of ids)
        if (!known.has(id)) throw new Error(`${catalogFile}: intents[${i}].${field}: unknown intent "${id}"`);
    }
  });
  for (const id of [...complements.flat(), ...Object.values(overview).flat()]) {
    if (!known.has(id)) throw new Error(`${catalogFile}: complements/overview: unknown intent "${id}"`);
  }

  const trainingDir = join(dir, 'training');
  let names: string[];
  try {
    names = readdirSync(trainingDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  } catch {
    throw new Error(`${trainingDir}: cannot read the sheet's training folder`);
  }
  const examples: TrainingSet['examples'] = [];
  const trained = new Set<string>();
  for (const name of names) {
    const file = join(trainingDir, name);
    const result = TrainingFileSchema.safeParse(readYaml(file));
    if (!result.success) throw new Error(formatZodIssues(file, result.error));
    if (!own.has(result.data.intent))
      throw new Error(`${file}: intent: "${result.data.intent}" is not declared in ${catalogFile}`);
    trained.add(result.data.intent);
    for (const text of result.data.utterances) examples.push({ text, intent: result.data.intent });
  }
  const missing = [...own].filter((id) => !trained.has(id));
  if (missing.length > 0) throw new Error(`${trainingDir}: no training file for intent(s): ${missing.join(', ')}`);

  const mergedOverview: Record<string, string[]> = { ...base.overview };
  for (const [subject, ids] of Object.entries(overview))
    mergedOverview[subject] = [...(mergedOverview[subject] ?? []), ...ids];
  return {
    training: {
      catalog: [...base.catalog, ...intents],
      examples: [...base.examples, ...examples],
      complements: [...(base.complements ?? []), ...complements],
      overview: mergedOverview,
      decisive: [...(base.decisive ?? []), ...decisive],
    },
    sheet: { catalogFile, intents },
  };
}
