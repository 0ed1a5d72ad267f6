/** French number words up to 20 (folded), as learners write grades in letters ("j'ai eu dix"). */
const UNITS: Record<string, number> = {
  zero: 0,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  onze: 11,
  douze: 12,
  treize: 13,
  quatorze: 14,
  quinze: 15,
  seize: 16,
  vingt: 20,
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
export const NUMBER_WORDS_RE =
  '(?:dix[\\s-](?:sept|huit|neuf)|zero|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt)(?:\\s+et\\s+demi)?';

export function parseDecimal(s: string): number {
  return Number(s.replace(',', '.'));
}

/** « un » … « neuf »: the units of a year said in words (« deux mille vingt-cinq »). */
const DIGIT_WORDS: Record<string, number> = Object.fromEntries(
  Object.entries(UNITS).filter(([, n]) => n >= 1 && n <= 9),
);

/**
 * Years said in words, as a dictated message writes them (« juin deux mille vingt cinq », « deux
 * mille vingt-et-un ») → digits (« juin 2025 »), so that a date is read and its « vingt » is not a grade.
 * Input is folded (lower case, no accents); 2000–2039 only (results of the last years, periods to come).
 */
export function spokenYearsToDigits(folded: string): string {
  return folded.replace(
    /\bdeux[\s-]mille(?:[\s-]+(?:(vingt|trente)(?:[\s-]+(?:et[\s-]+)?(une?|deux|trois|quatre|cinq|six|sept|huit|neuf))?|(dix[\s-](?:sept|huit|neuf)|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize)))?\b/g,
    (_, tens: string | undefined, unit: string | undefined, small: string | undefined) => {
      if (tens) return String(2000 + (tens === 'vingt' ? 20 : 30) + (unit ? DIGIT_WORDS[unit]! : 0));
      if (small) return String(2000 + parseNumberWords(small.replace('-', ' '))!);
      return '2000';
    },
  );
}
