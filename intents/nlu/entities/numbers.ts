/** French number words up to 20 (folded), as learners write grades in letters ("j'ai eu dix"). */
const UNITS: Record<string, number> = {
  zero: 0, un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9,
  dix: 10, onze: 11, douze: 12, treize: 13, quatorze: 14, quinze: 15, seize: 16, vingt: 20,
};

/** "dix-sept" / "dix sept" / "douze et demi" → number; null when not a number word. */
export function parseNumberWords(folded: string): number | null {
  const m = folded.trim().match(/^(dix)[\s-](sept|huit|neuf)(?:\s+et\s+demi)?$|^([a-z]+)(\s+et\s+demi)?$/);
  if (!m) return null;
  if (m[1]) {
    const base = 10 + (UNITS[m[2]!] ?? NaN);
    return /et\s+demi$/.test(folded.trim()) ? base + 0.5 : base;
  }
  const unit = UNITS[m[3]!];
  if (unit === undefined) return null;
  return m[4] ? unit + 0.5 : unit;
}

/** Regex source matching any number word up to twenty (longest first). */
export const NUMBER_WORDS_RE = '(?:dix[\\s-](?:sept|huit|neuf)|zero|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt)(?:\\s+et\\s+demi)?';

export function parseDecimal(s: string): number {
  return Number(s.replace(',', '.'));
}
