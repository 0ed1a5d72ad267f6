import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from './validation-error.ts';

const Code = z.string().regex(/^(\d{2}|2A|2B|97[1-6])$/, 'département code such as "01", "2A" or "974"');

const AcademiesSchema = z.object({
  academies: z.array(
    z.object({
      id: z.string().regex(/^[a-z-]+$/),
      name: z.string().min(1),
      rectorat_city: z.string().min(1),
      departements: z.array(Code).min(1),
    }),
  ),
  departements: z.array(
    z.object({
      code: Code,
      name: z.string().min(1),
      chef_lieu: z.string().min(1),
      cities: z.array(z.string().min(1)).default([]),
    }),
  ),
  common_words: z.array(z.string().regex(/^[a-z -]+$/, 'lower case without accents')).default([]),
});

export interface Academy { id: string; name: string; rectoratCity: string; departements: string[] }
export interface Departement { code: string; name: string; chefLieu: string; cities: string[] }

/** A place name learners may type, and the département it designates. */
export interface PlaceName { name: string; departement: string; kind: 'departement' | 'city' | 'academy' }

/** Département → académie table (knowledge/academies.yaml), for "which rectorat do I depend on?". */
export class AcademyDirectory {
  private readonly byDepartement = new Map<string, Academy>();
  private readonly departements = new Map<string, Departement>();

  constructor(
    readonly academies: Academy[],
    departements: Departement[],
    /** Place names that are also common words, recognised only after « à », « en », « dans »… */
    readonly commonWords: string[] = [],
  ) {
    for (const d of departements) this.departements.set(d.code, d);
    for (const a of academies) for (const code of a.departements) this.byDepartement.set(code, a);
  }

  static load(file: string): AcademyDirectory {
    const result = AcademiesSchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!result.success) throw new Error(formatZodIssues(file, result.error));
    const { academies, departements } = result.data;
    const codes = new Set(departements.map((d) => d.code));
    const assigned = new Map<string, string>();
    for (const a of academies) {
      for (const code of a.departements) {
        if (!codes.has(code)) throw new Error(`${file}: academies.${a.id}.departements: unknown département "${code}"`);
        if (assigned.has(code)) throw new Error(`${file}: département "${code}" is in both ${assigned.get(code)} and ${a.id}`);
        assigned.set(code, a.id);
      }
    }
    const orphan = [...codes].filter((c) => !assigned.has(c));
    if (orphan.length > 0) throw new Error(`${file}: départements without académie: ${orphan.join(', ')}`);
    return new AcademyDirectory(
      academies.map((a) => ({ id: a.id, name: a.name, rectoratCity: a.rectorat_city, departements: a.departements })),
      departements.map((d) => ({ code: d.code, name: d.name, chefLieu: d.chef_lieu, cities: d.cities })),
      result.data.common_words,
    );
  }

  academyOf(departementCode: string): Academy | undefined {
    return this.byDepartement.get(departementCode.toUpperCase());
  }

  departement(code: string): Departement | undefined {
    return this.departements.get(code.toUpperCase());
  }

  /** What the place extractor needs: every place name, and those that are also common words. */
  gazetteer(): { names: PlaceName[]; commonWords: string[] } {
    return { names: this.placeNames(), commonWords: this.commonWords };
  }

  /** Every name that designates a place: départements, their towns, académies (by their first département). */
  placeNames(): PlaceName[] {
    const names: PlaceName[] = [];
    for (const d of this.departements.values()) {
      names.push({ name: d.name, departement: d.code, kind: 'departement' });
      names.push({ name: d.chefLieu, departement: d.code, kind: 'city' });
      for (const c of d.cities) names.push({ name: c, departement: d.code, kind: 'city' });
    }
    for (const a of this.academies) names.push({ name: a.name, departement: a.departements[0]!, kind: 'academy' });
    return names;
  }
}
