import { fold } from '../text.ts';

export interface Place {
  /** Département code: "01".."95", "2A", "2B", "971".."976"; overseas collectivities "977", "978", "986".."988". */
  departement: string;
  /** What the learner wrote ("Lyon", "69003", "le 93"). */
  text: string;
  kind: 'postal_code' | 'departement' | 'city' | 'academy';
}

export interface Gazetteer {
  /** `strict`: a town whose name is also an ordinary word or phrase (« Plaisir », « Entre-Deux »): a place only after a verb of dwelling. */
  names: { name: string; departement: string; kind: 'departement' | 'city' | 'academy'; strict?: boolean }[];
  /** Names that are also ordinary words ("cher", "somme"): places only after a locative word. */
  commonWords?: string[];
}

/** « à Nice », « en Savoie », « dans le Cher », « j'habite Tours », « près de Sens »: the words just before a name. */
const LOCATIVE =
  /(?<![a-z])(?:a|au|aux|en|dans|vers|pres\s+de|habite|habites|habitons|vis|ville\s+de|departement\s+(?:de|du|des))(?:\s+(?:le|la|les|l))?\s+$/;

/** « j'habite à Plaisir », « je vis au Passage », « commune de Avion »: the words just before a town whose name is a frequent word. */
const DWELLING =
  /(?<![a-z])(?:habite|habites|habitons|habitez|habitent|vis|vit|vivons|vivent|reside|residons|resident|residant|domicilie\w*|ville\s+de|ville\s+d|commune\s+de|commune\s+d|originaire\s+de|originaire\s+d|pres\s+de|pres\s+d)(?:\s+(?:a|au|aux|en|dans|sur))?(?:\s+(?:le|la|les|l))?\s+$/;

const DEPT_CODE = '(0[1-9]|[1-8]\\d|9[0-5]|2a|2b|97[1-8]|98[6-8])';
// Compiled once (extract reads every message).
/** « Saint-Denis (93) ». */
const BRACKETED_DEPT = new RegExp(`\\(\\s*${DEPT_CODE}\\s*\\)`);
/** « dans le 93 », « département 69 », not « 12/20 », « 20 ans », « 14 h ». */
const SAID_DEPT = new RegExp(
  `\\b(?:dans\\s+l[ea]|departement|dept|dpt|dep|du|en|le|la)\\s*(?:n°|no|numero)?\\s*${DEPT_CODE}\\b(?!\\s*(?:/|sur|ans?|mois|h\\b|heures|euros|€|points))`,
);
/** « 94 c'est quelle académie ? ». */
const OPENING_DEPT = new RegExp(
  `^${DEPT_CODE}\\b(?=\\s*(?:c'?\\s?est|cest|quel|quelle|=|:|->|depend|academie|rectorat|\\?))`,
);
/** « 93 » alone. */
const BARE_DEPT = new RegExp(`^${DEPT_CODE}$`);

/**
 * Département of a French postal code (Corsica: 200–201 → 2A, 202–206 → 2B; overseas: 97x; Wallis,
 * Polynésie, Nouvelle-Calédonie: 986–988). Saint-Barthélemy and Saint-Martin share Guadeloupe's 971.
 */
export function departementOfPostalCode(code: string): string | null {
  if (!/^\d{5}$/.test(code)) return null;
  if (code.startsWith('97')) return /^97[1-6]/.test(code) ? code.slice(0, 3) : null;
  if (code.startsWith('98')) return /^98[6-8]/.test(code) ? code.slice(0, 3) : null;
  if (code.startsWith('20')) return Number(code.slice(2, 3)) <= 1 ? '2A' : '2B';
  const d = code.slice(0, 2);
  return d === '00' || d === '96' || d === '98' || d === '99' ? null : d;
}

/** a–z. */
const isLetter = (code: number) => code >= 97 && code <= 122;

/** A place name as the gazetteer keys it: folded, hyphens and apostrophes as spaces, « st » as « saint ». */
export function normalName(s: string): string {
  return fold(s)
    .replace(/[-']/g, ' ')
    .replace(/\bst\b/g, 'saint')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Finds a French place (postal code, département number or name, town, académie) in a message. */
export class PlaceExtractor {
  private readonly byName = new Map<string, { departement: string; kind: Place['kind']; display: string }>();
  /** Académie names, also those a city of the same name shadows in byName (« clermont ferrand »). */
  private readonly academyNames: string[] = [];

  constructor(gazetteer: Gazetteer) {
    const commonWords = new Set((gazetteer.commonWords ?? []).map(normalName));
    for (const n of gazetteer.names) {
      const normal = normalName(n.name);
      if (n.kind === 'academy') this.academyNames.push(normal);
      if (!this.byName.has(normal)) {
        this.byName.set(normal, { departement: n.departement, kind: n.kind, display: n.name });
        if (n.strict) this.strict.add(normal);
      }
      // « au Tampon », « du Havre »: the article merges with the preposition; the bare name then
      // counts after a locative word, like the names that are common words.
      const bare = normal.match(/^(?:le|les) (.+)$/)?.[1];
      if (bare && !this.byName.has(bare)) {
        this.byName.set(bare, { departement: n.departement, kind: n.kind, display: n.name });
        commonWords.add(bare);
        if (n.strict) this.strict.add(bare);
      }
    }
    for (const name of this.byName.keys()) {
      const words = name.split(' ');
      this.longest = Math.max(this.longest, words.length);
      for (let k = 1; k < words.length; k++) this.prefixes.add(words.slice(0, k).join(' '));
      if (commonWords.has(name)) this.common.add(name);
    }
  }

  /** Number of words of the longest place name. */
  private longest = 0;
  /** The first words of the names of several words (« saint », « saint etienne »…): where to read on. */
  private readonly prefixes = new Set<string>();
  /** Names that are also common words, only after a locative word. */
  private readonly common = new Set<string>();
  /** Names that are also frequent words (« en ligne », « au plaisir »), only after a verb of dwelling. */
  private readonly strict = new Set<string>();

  /**
   * Place names in a normalised text: [start, end, name], in order of position. Words are looked up
   * (one to `longest` words at a time, longest first) rather than matched by one alternation of
   * thousands of names: the cost grows with the message, not with the gazetteer.
   */
  private names(normal: string): [number, number, string][] {
    const starts: number[] = [];
    const ends: number[] = [];
    // The runs of letters a–z (a loop over the characters: a match object per word cost more than the lookups).
    for (let at = 0; at < normal.length; at++) {
      if (!isLetter(normal.charCodeAt(at))) continue;
      starts.push(at);
      while (at + 1 < normal.length && isLetter(normal.charCodeAt(at + 1))) at++;
      ends.push(at + 1);
    }
    // The longest name at each word, then the longest names first where two overlap: « dans le
    // Val-de-Marne » is the département, not the town « Le Val » followed by « de Marne ».
    const hits: [number, number, string][] = [];
    for (let i = 0; i < starts.length; i++) {
      let best = 0;
      let bestName = '';
      let key = '';
      for (let k = 0; k < this.longest && i + k < starts.length; k++) {
        // Words of one name are separated by spaces only (« saint denis », not « saint, denis »).
        if (k > 0 && normal.slice(ends[i + k - 1], starts[i + k]).trim() !== '') break;
        key = k === 0 ? normal.slice(starts[i], ends[i]) : `${key} ${normal.slice(starts[i + k], ends[i + k])}`;
        if (this.byName.has(key) && this.placeHere(key, normal.slice(Math.max(0, starts[i]! - 30), starts[i]))) {
          best = k + 1;
          bestName = key;
        }
        if (!this.prefixes.has(key)) break;
      }
      if (best > 0) hits.push([starts[i]!, ends[i + best - 1]!, bestName]);
    }
    const found: [number, number, string][] = [];
    for (const hit of [...hits].sort((x, y) => y[1] - y[0] - (x[1] - x[0]) || x[0] - y[0])) {
      if (found.every(([start, end]) => hit[1] <= start || hit[0] >= end)) found.push(hit);
    }
    return found.sort((x, y) => x[0] - y[0]);
  }

  /** Whether a name is read as a place after these words (see `common` and `strict`). */
  private placeHere(name: string, before: string): boolean {
    if (this.strict.has(name)) return DWELLING.test(before);
    return !this.common.has(name) || LOCATIVE.test(before);
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
    const normal = normalName(text)
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const claimedName = normal.match(
      /\b(?:rectorat|academie|depend\w*|rattache\w*|releve\w*)\s+(?:(?:est|c\s+est|ce\s+serait)\s+)?(?:(?:elle|il)\s+)?(?:(?:bien|donc|toujours|plutot)\s+(?:de\s+|d\s+|du\s+|a\s+|au\s+)?|(?:de\s+|d\s+|du\s+|a\s+|au\s+))?(?:la\s+|le\s+|l\s+)?(?:academie\s+de\s+|academie\s+d\s+|rectorat\s+de\s+|rectorat\s+d\s+)?([a-z]+(?: [a-z]+){0,3})/,
    );
    let claimed: Place | null = null;
    let rest = text;
    // « c'est quelle académie, Nantes ? » asks which: the place named is where the learner lives.
    const asksWhich = /\bquel\w*\b/.test(normal) && !/\b(bien|donc|est ce)\b/.test(normal);
    if (claimedName && !asksWhich) {
      const said = claimedName[1]!.trim();
      // « Clermont » for the académie of Clermont-Ferrand: a name's first word is enough after « académie de ».
      // « l'académie de la Réunion »: the article may belong to the name.
      // …before a town of that name (« Clermont » here is Clermont-Ferrand, not the town of the Oise).
      const found = this.academyStartingWith(said.split(' ')[0]!) ?? this.names(said)[0] ?? this.names(`la ${said}`)[0];
      if (found && found[0] === 0) {
        const entry = this.byName.get(found[2])!;
        claimed = { departement: entry.departement, text: entry.display, kind: entry.kind };
        // Home may be said before or after the claim (« … de Versailles si j'habite à Nanterre ? »).
        rest = `${normal.slice(0, claimedName.index)} ${normal.slice(claimedName.index! + claimedName[0].length)}`;
      }
    }
    // « j'ai déménagé de Rouen à Amiens »: home is where the learner moved to (also beside a claim: « …
    // de Lyon à Grenoble, je reste rattaché à Lyon ? »).
    const moved = /\b(demenag\w*|mute\w*|installe\w*|parti\w*)\b/.exec(claimed ? normalName(rest) : normal);
    if (moved) {
      const said = claimed ? normalName(rest) : normal;
      const all = this.names(said);
      // The destination: the first place after the verb that « à », « en », « vers »… introduces (a
      // place named later, « quand j'étais dans le Nord », is not where one lives now).
      const to = all.find(
        ([start]) =>
          start > moved.index && /\b(a|au|aux|en|vers|dans|sur)\s*(le |la |les |l )?$/.test(said.slice(0, start)),
      );
      const last = to ?? all[all.length - 1];
      if (all.length > 1 && last) {
        const entry = this.byName.get(last[2])!;
        return { home: { departement: entry.departement, text: entry.display, kind: entry.kind }, claimed };
      }
    }
    // « je bosse à Paris mais j'habite à Meaux »: home is the place after « j'habite ».
    const dwelling = rest.match(/\b(?:habite\w*|vis|reside\w*|domicilie\w*|demeure)\b(.*)$/);
    const home = (dwelling && this.extract(dwelling[1]!)) || this.extract(rest, { bare: claimed !== null });
    return { home, claimed };
  }

  private academyStartingWith(word: string): [number, number, string] | undefined {
    if (word.length < 4) return undefined;
    for (const name of this.academyNames)
      // « l'académie de Nice »: after « académie de », even a name that is also a common word (« nice »).
      if ((name === word || name.startsWith(`${word} `)) && this.byName.has(name)) return [0, word.length, name];
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
    const bracketed = f.match(BRACKETED_DEPT);
    if (bracketed)
      return {
        departement: bracketed[1]!.toUpperCase(),
        text: this.names(normalName(text))[0]?.[2] ?? bracketed[1]!,
        kind: 'departement',
      };
    const dept = f.match(SAID_DEPT);
    if (dept) return { departement: dept[1]!.toUpperCase(), text: dept[0].trim(), kind: 'departement' };
    const normal = normalName(text);
    const all = this.names(normal);
    // « Saint-Denis, en Seine-Saint-Denis », « Valence dans la Drôme »: a département said right after a
    // town says which town it is.
    const settled = all.findIndex(
      ([start, , name], i) =>
        i > 0 &&
        this.byName.get(name)!.kind === 'departement' &&
        /^\s*,?\s*(en|dans (le|la|l|les)|dans)\s*$/.test(normal.slice(all[i - 1]![1], start)) &&
        this.byName.get(all[i - 1]![2])!.kind === 'city' &&
        this.byName.get(all[i - 1]![2])!.departement !== this.byName.get(name)!.departement,
    );
    const first = all[settled] ?? all[0];
    if (first) {
      const entry = this.byName.get(first[2])!;
      return { departement: entry.departement, text: entry.display, kind: entry.kind };
    }
    // « 94 c'est quelle académie ? », « 13 quel rectorat »: a département number opening the question.
    const opening = f.trim().match(OPENING_DEPT);
    if (opening) return { departement: opening[1]!.toUpperCase(), text: opening[1]!, kind: 'departement' };
    if (options.bare) {
      const bare = f.trim().match(BARE_DEPT);
      if (bare) return { departement: bare[1]!.toUpperCase(), text: bare[1]!, kind: 'departement' };
    }
    return null;
  }
}
