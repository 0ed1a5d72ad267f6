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
}

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
  private readonly names: { pattern: RegExp; departement: string; kind: Place['kind']; length: number }[];

  constructor(gazetteer: Gazetteer) {
    this.names = gazetteer.names
      .map((n) => {
        const normal = normalName(n.name);
        const escaped = normal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
        return { pattern: new RegExp(`(?:^|[^a-z])(${escaped})(?![a-z])`), departement: n.departement, kind: n.kind, length: normal.length };
      })
      // Longest names first: "Saint-Étienne-du-Rouvray" before "Saint-Étienne".
      .sort((a, b) => b.length - a.length);
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
    const dept = f.match(new RegExp(`\\b(?:dans\\s+l[ea]|departement|dept|dpt|dep|du|en|le|la)\\s*(?:n°|no|numero)?\\s*${DEPT_CODE}\\b(?!\\s*(?:/|sur|ans?|mois|h\\b|heures|euros|€|points))`));
    if (dept) return { departement: dept[1]!.toUpperCase(), text: dept[0].trim(), kind: 'departement' };
    const normal = ` ${normalName(text)} `;
    for (const n of this.names) {
      const m = normal.match(n.pattern);
      if (m) return { departement: n.departement, text: m[1]!, kind: n.kind };
    }
    if (options.bare) {
      const bare = f.trim().match(new RegExp(`^${DEPT_CODE}$`));
      if (bare) return { departement: bare[1]!.toUpperCase(), text: bare[1]!, kind: 'departement' };
    }
    return null;
  }
}
