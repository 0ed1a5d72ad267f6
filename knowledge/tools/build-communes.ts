/**
 * npm run build:communes — writes knowledge/communes.fr.tsv: the French communes of at least
 * MIN_POPULATION inhabitants (INSEE data packaged by Etalab, @etalab/decoupage-administratif, a dev
 * dependency) with their département, so that « j'habite à Blagnac » finds the académie of Toulouse.
 * academies.yaml names only a few towns per département; learners live everywhere.
 *
 * - A name several communes share is kept only when one of them is at least AMBIGUITY_RATIO times as
 *   populous as the next (« Valence » is the Drôme's); otherwise it is left out and the assistant asks
 *   for the département or the postal code, rather than guessing.
 * - A name made of ordinary French words (« Plaisir », « La Motte », « Entre-Deux ») is marked `common`:
 *   it counts as a place only after a verb of dwelling, « j'habite à Plaisir » (see PlaceExtractor).
 * Names academies.yaml already gives keep its département (it is read first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { COMMUNES_FILE } from '../academies.ts';
import { KNOWLEDGE_DIR } from '../paths.ts';

const MIN_POPULATION = 2000;
const AMBIGUITY_RATIO = 3;
/** A commune déléguée is listed when its chef-lieu has at least this many inhabitants. */
const DELEGATED_MIN_CHIEF_POPULATION = 10_000;
/** The first word of a compound name stands for the town from this population on. */
const HEAD_MIN_POPULATION = 10_000;

interface Commune {
  code: string;
  nom: string;
  departement: string;
  type: string;
  population?: number;
  chefLieu?: string;
}

const require = createRequire(import.meta.url);
const communes = JSON.parse(
  readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8'),
) as Commune[];
const dictionary = JSON.parse(readFileSync(require.resolve('an-array-of-french-words/index.json'), 'utf8')) as string[];

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const key = (s: string) => fold(s).replace(/[-'’]/g, ' ').replace(/\s+/g, ' ').trim();
const words = new Set(dictionary.map(fold));
// Articles and prepositions inside names (« La Motte », « Bourg-de-Péage »).
const LINKS = new Set(['le', 'la', 'les', 'l', 'de', 'du', 'des', 'd', 'en', 'sur', 'sous', 'aux', 'au', 'et']);

const byName = new Map<string, Commune[]>();
for (const c of communes) {
  // Overseas collectivities with an académie or vice-rectorat in academies.yaml (not Saint-Pierre-et-Miquelon,
  // 975, nor the TAAF, 984).
  if (c.type !== 'commune-actuelle' || !/^(\d{2}|2A|2B|97[1-8]|98[6-8])$/.test(c.departement)) continue;
  const list = byName.get(key(c.nom)) ?? [];
  list.push(c);
  byName.set(key(c.nom), list);
}

// A commune déléguée of a town (« Seynod », « Cherbourg-Octeville ») is still what its people call home:
// it counts with the département of its chef-lieu, when that chef-lieu is a town (its own population is unknown).
const actual = new Map(communes.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c]));
for (const c of communes) {
  if (c.type !== 'commune-deleguee' || !c.chefLieu) continue;
  const chief = actual.get(c.chefLieu);
  if (!chief || (chief.population ?? 0) < DELEGATED_MIN_CHIEF_POPULATION || key(chief.nom) === key(c.nom)) continue;
  const list = byName.get(key(c.nom)) ?? [];
  if (list.length === 0) byName.set(key(c.nom), [{ ...c, population: MIN_POPULATION }]);
}
// « Cherbourg » for Cherbourg-en-Cotentin, « Charleville » for Charleville-Mézières: the first word of a
// town's compound name, when the ambiguity rule below keeps one town for it.
const heads = new Map<string, Commune[]>();
for (const list of byName.values()) {
  const town = list.find((c) => (c.population ?? 0) >= HEAD_MIN_POPULATION);
  if (!town) continue;
  const head = town.nom.split(/[-\s]/)[0]!;
  if (head.length < 4 || head === town.nom || words.has(fold(head))) continue;
  heads.set(key(head), [...(heads.get(key(head)) ?? []), { ...town, nom: head }]);
}
// A village of that very name (Charleville, 262 inhabitants) competes under the same ambiguity rule.
// A town that bears the name itself (Clichy) keeps it.
for (const [name, list] of heads) {
  const own = byName.get(name) ?? [];
  if (!own.some((c) => (c.population ?? 0) >= MIN_POPULATION)) byName.set(name, [...own, ...list]);
}

const rows: string[] = [];
let ambiguous = 0;
for (const list of byName.values()) {
  list.sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const [first, second] = list;
  if (!first || (first.population ?? 0) < MIN_POPULATION) continue;
  if (second && (first.population ?? 0) < AMBIGUITY_RATIO * (second.population ?? 0)) {
    ambiguous += 1;
    continue;
  }
  // « La Motte », « Entre-Deux », « Plaisir » may be said in passing (« en ligne » is not Ligné).
  const common = key(first.nom)
    .split(' ')
    .filter((w) => !LINKS.has(w))
    .every((w) => words.has(w));
  rows.push(`${first.nom}\t${first.departement}${common ? '\tcommon' : ''}`);
}
rows.sort((a, b) => a.localeCompare(b, 'fr'));

const header = [
  `# Communes de France d'au moins ${MIN_POPULATION} habitants et leur département (INSEE, via @etalab/decoupage-administratif ; données sous Licence Ouverte).`,
  '# Généré par `npm run build:communes` : ne pas modifier à la main, corriger plutôt academies.yaml (lu en premier).',
  `# Noms portés par plusieurs communes sans que l'une soit ${AMBIGUITY_RATIO} fois plus peuplée : omis (${ambiguous}).`,
  "# Colonnes : nom, département, « common » quand le nom est fait de mots courants (lieu seulement après « j'habite », « je vis »…).",
];
const file = join(KNOWLEDGE_DIR, COMMUNES_FILE);
writeFileSync(file, `${[...header, ...rows].join('\n')}\n`);
console.log(
  `${file}: ${rows.length} communes (${rows.filter((r) => r.endsWith('common')).length} also common words), ${ambiguous} ambiguous names left out`,
);
