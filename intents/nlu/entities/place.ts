import { fold } from '../text.ts';

export interface Place {
  /** Département code: "01".."95", "2A", "2B", "971".."976". */
  departement: string;
  /** What the learner wrote ("Lyon", "69003", "le 93"). */
  text: string;
  kind: 'postal_code' | 'departement' | 'city' | 'academy';
}

export interface Gazetteer {
  names: { name: string; departement: string; kind: 'departement' | 'city' | 'academy' }[];
  /** Names that are also ordinary words ("cher", "somme"): places only after a locative word. */
  commonWords?: string[];
}

/** « à Nice », « en Savoie », « dans le Cher », « j'habite Tours », « près de Sens ». */
const LOCATIVE = "(?:a|au|aux|en|dans|vers|pres\\s+de|habite|habites|habitons|vis|ville\\s+de|departement\\s+(?:de|du|des))(?:\\s+(?:le|la|les|l))?\\s+";

const DEPT_CODE = '(0[1-9]|[1-8]\\d|9[0-5]|2a|2b|97[1-6])';

/** Département of a French postal code (Corsica: 200–201 → 2A, 202–206 → 2B; overseas: 97x). */
export function departementOfPostalCode(code: string): string | null {
  if (!/^\d{5}$/.test(code)) return null;
  if (code.startsWith('97')) return /^97[1-6]/.test(code) ? code.slice(0, 3) : null;
  if (code.startsWith('20')) return Number(code.slice(2, 3)) <= 1 ? '2A' : '2B';
  const d = code.slice(0, 2);
  return d === '00' || d === '96' || d === '98' || d === '99' ? null : d;
}

function normalName(s: string): string {
  return fold(s).replace(/[-']/g, ' ').replace(/\bst\b/g, 'saint').replace(/\bste\b/g, 'sainte').replace(/\s+/g, ' ').trim();
}

/** Finds a French place (postal code, département number or name, town, académie) in a message. */
export class PlaceExtractor {
  private readonly byName = new Map<string, { departement: string; kind: Place['kind'] }>();
  /** Académie names, also those a city of the same name shadows in byName (« clermont ferrand »). */
  private readonly academyNames: string[] = [];
  /** Every ordinary place name, longest first ("saint etienne du rouvray" before "saint etienne"). */
  private readonly plain: RegExp | null;
  /** Names that are also common words, only after a locative word. */
  private readonly common: RegExp | null;

  constructor(gazetteer: Gazetteer) {
    const commonWords = new Set((gazetteer.commonWords ?? []).map(normalName));
    for (const n of gazetteer.names) {
      const normal = normalName(n.name);
      if (n.kind === 'academy') this.academyNames.push(normal);
      if (!this.byName.has(normal)) this.byName.set(normal, { departement: n.departement, kind: n.kind });
      // « au Tampon », « du Havre »: the article merges with the preposition; the bare name then
      // counts after a locative word, like the names that are common words.
      const bare = normal.match(/^(?:le|les) (.+)$/)?.[1];
      if (bare && !this.byName.has(bare)) {
        this.byName.set(bare, { departement: n.departement, kind: n.kind });
        commonWords.add(bare);
      }
    }
    const alternation = (names: string[]) =>
      names.sort((x, y) => y.length - x.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|');
    const all = [...this.byName.keys()];
    const plain = all.filter((n) => !commonWords.has(n));
    const common = all.filter((n) => commonWords.has(n));
    this.plain = plain.length ? new RegExp(`(?<![a-z])(${alternation(plain)})(?![a-z])`, 'g') : null;
    this.common = common.length ? new RegExp(`(?<![a-z])${LOCATIVE}(${alternation(common)})(?![a-z])`, 'g') : null;
  }

  /** Place names in a normalised text: [start, end, name], in order of position. */
  private names(normal: string): [number, number, string][] {
    const found: [number, number, string][] = [];
    for (const re of [this.plain, this.common]) {
      if (!re) continue;
      for (const m of normal.matchAll(re)) {
        const name = m[1]!;
        const start = m.index! + m[0].length - name.length;
        found.push([start, start + name.length, name.replace(/\s+/g, ' ')]);
      }
    }
    return found.sort((x, y) => x[0] - y[0]);
  }

  /**
   * The message with place names (towns, départements, académies) replaced by the token "zlieu":
   * the classifier then learns "a place was given" instead of needing every town in its training.
   */
  mask(text: string): string {
    const normal = normalName(text);
    const found = this.names(normal);
    if (found.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [start, end] of found) {
      if (start < at) continue;
      out += `${normal.slice(at, start)} zlieu `;
      at = end;
    }
    return (out + normal.slice(at)).trim();
  }

  /**
   * The learner's place and, when the message names the académie or rectorat they believe they depend
   * on (« j'habite à Évry, je dépends de Créteil ? »), that one apart.
   */
  extractWithClaim(text: string): { home: Place | null; claimed: Place | null } {
    const normal = normalName(text).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
    const claimedName = normal.match(/\b(?:rectorat|academie|depend\w*|rattache\w*|releve\w*)\s+(?:(?:est|c\s+est|ce\s+serait)\s+)?(?:(?:elle|il)\s+)?(?:(?:bien|donc|toujours|plutot)\s+(?:de\s+|d\s+|du\s+|a\s+|au\s+)?|(?:de\s+|d\s+|du\s+|a\s+|au\s+))?(?:la\s+|le\s+|l\s+)?(?:academie\s+de\s+|academie\s+d\s+|rectorat\s+de\s+|rectorat\s+d\s+)?([a-z]+(?: [a-z]+){0,3})/);
    let claimed: Place | null = null;
    let rest = text;
    // « c'est quelle académie, Nantes ? » asks which: the place named is where the learner lives.
    const asksWhich = /\bquel\w*\b/.test(normal) && !/\b(bien|donc|est ce)\b/.test(normal);
    if (claimedName && !asksWhich) {
      const said = claimedName[1]!.trim();
      // « Clermont » for the académie of Clermont-Ferrand: a name's first word is enough after « académie de ».
      // « l'académie de la Réunion »: the article may belong to the name.
      const found = this.names(said)[0] ?? this.names(`la ${said}`)[0] ?? this.academyStartingWith(said.split(' ')[0]!);
      if (found && found[0] === 0) {
        const entry = this.byName.get(found[2])!;
        claimed = { departement: entry.departement, text: found[2], kind: entry.kind };
        // Home may be said before or after the claim (« … de Versailles si j'habite à Nanterre ? »).
        rest = `${normal.slice(0, claimedName.index!)} ${normal.slice(claimedName.index! + claimedName[0].length)}`;
      }
    }
    // « j'ai déménagé de Rouen à Amiens »: home is where the learner moved to.
    if (!claimed && /\b(demenag\w*|mute\w*|installe\w*|parti\w*)\b/.test(normal)) {
      const all = this.names(normal);
      const last = all[all.length - 1];
      if (all.length > 1 && last) {
        const entry = this.byName.get(last[2])!;
        return { home: { departement: entry.departement, text: last[2], kind: entry.kind }, claimed };
      }
    }
    // « je bosse à Paris mais j'habite à Meaux »: home is the place after « j'habite ».
    const dwelling = rest.match(/\b(?:habite\w*|vis|reside\w*|domicilie\w*|demeure)\b(.*)$/);
    const home = (dwelling && this.extract(dwelling[1]!)) || this.extract(rest, { bare: claimed !== null });
    return { home, claimed };
  }

  private academyStartingWith(word: string): [number, number, string] | undefined {
    if (word.length < 4) return undefined;
    for (const name of this.academyNames) if (name.startsWith(`${word} `)) return [0, word.length, name];
    return undefined;
  }

  extract(text: string, options: { bare?: boolean } = {}): Place | null {
    const f = fold(text);
    // Five digits, not part of a longer number or a decimal ("69003", "69 003", "69003.").
    const postal = f.match(/(?<![\d/.,])(\d{2})\s?(\d{3})(?!\d|[.,]\d)/);
    if (postal) {
      const code = postal[1]! + postal[2]!;
      const departement = departementOfPostalCode(code);
      if (departement) return { departement, text: code, kind: 'postal_code' };
    }
    // « Saint-Denis (93) »: the number in brackets settles which one.
    const bracketed = f.match(new RegExp(`\\(\\s*${DEPT_CODE}\\s*\\)`));
    if (bracketed) return { departement: bracketed[1]!.toUpperCase(), text: this.names(normalName(text))[0]?.[2] ?? bracketed[1]!, kind: 'departement' };
    const dept = f.match(new RegExp(`\\b(?:dans\\s+l[ea]|departement|dept|dpt|dep|du|en|le|la)\\s*(?:n°|no|numero)?\\s*${DEPT_CODE}\\b(?!\\s*(?:/|sur|ans?|mois|h\\b|heures|euros|€|points))`));
    if (dept) return { departement: dept[1]!.toUpperCase(), text: dept[0].trim(), kind: 'departement' };
    const first = this.names(normalName(text))[0];
    if (first) {
      const entry = this.byName.get(first[2])!;
      return { departement: entry.departement, text: first[2], kind: entry.kind };
    }
    // « 94 c'est quelle académie ? », « 13 quel rectorat »: a département number opening the question.
    const opening = f.trim().match(new RegExp(`^${DEPT_CODE}\\b(?=\\s*(?:c'?\\s?est|cest|quel|quelle|=|:|->|depend|academie|rectorat|\\?))`));
    if (opening) return { departement: opening[1]!.toUpperCase(), text: opening[1]!, kind: 'departement' };
    if (options.bare) {
      const bare = f.trim().match(new RegExp(`^${DEPT_CODE}$`));
      if (bare) return { departement: bare[1]!.toUpperCase(), text: bare[1]!, kind: 'departement' };
    }
    return null;
  }
}
