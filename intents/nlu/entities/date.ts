// One module per function: the date-fns index pulls hundreds of modules (≈250 ms at start-up).
import { addDays } from 'date-fns/addDays';
import { addMonths } from 'date-fns/addMonths';
import { addWeeks } from 'date-fns/addWeeks';
import { addYears } from 'date-fns/addYears';
import { isValid } from 'date-fns/isValid';
import { lastDayOfMonth } from 'date-fns/lastDayOfMonth';
import { startOfDay } from 'date-fns/startOfDay';
import { subDays } from 'date-fns/subDays';
import { subMonths } from 'date-fns/subMonths';
import { subWeeks } from 'date-fns/subWeeks';
import { subYears } from 'date-fns/subYears';
import { fold } from '../text.ts';
import { spokenYearsToDigits } from './numbers.ts';

export type DatePrecision = 'day' | 'month' | 'year';

export interface FrenchDate {
  /** First day of the period mentioned (the day itself for a full date). */
  date: Date;
  precision: DatePrecision;
  /** What the learner wrote. */
  text: string;
}

/** Month names and the abbreviations and misspellings learners use (folded). */
const MONTHS: [RegExp, number][] = [
  [/^janv?(?:ier)?$/, 0],
  [/^f[ea]v(?:r?ier|rie|rier)?$/, 1],
  [/^mars$/, 2],
  [/^avr(?:il|ille)?$/, 3],
  [/^mai$/, 4],
  [/^juin$/, 5],
  [/^juil(?:let|et|lt)?$/, 6],
  [/^aou?t$/, 7],
  [/^sept?(?:embre|ambre)?$/, 8],
  [/^oct(?:obre)?$/, 9],
  [/^nov(?:embre)?$/, 10],
  [/^dec(?:embre)?$/, 11],
];
const MONTH_WORD =
  '(janv(?:ier)?|f[ea]v(?:r?ier|rie|rier)?|mars|avr(?:il|ille)?|mai|juin|juil(?:let|et|lt)?|aou?t|sept?(?:embre|ambre)?|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?)\\.?';

function monthIndex(word: string): number | null {
  for (const [re, index] of MONTHS) if (re.test(word)) return index;
  return null;
}

/** A year, and the month before it if any (matchAll works on a copy: the expression is never left mid-search). */
const MONTH_YEARS = new RegExp(`(?:\\b${MONTH_WORD}\\s+)?\\b(20\\d{2})\\b`, 'g');

/**
 * The months and years a message names, in order (« obtenu en juin 2024 … valable en septembre 2029 ? » →
 * June 2024, September 2029): the last one is the moment a question about validity asks about.
 */
export function monthYears(text: string): { year: number; month: number | null }[] {
  const f = fold(text);
  const found: { year: number; month: number | null }[] = [];
  for (const m of f.matchAll(MONTH_YEARS)) found.push({ year: Number(m[2]), month: m[1] ? monthIndex(m[1]) : null });
  return found;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function safeDate(year: number, month: number, day: number): Date | null {
  const d = new Date(year, month, day);
  return isValid(d) && d.getMonth() === month && d.getDate() === day ? d : null;
}

const NUMERIC = /\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})\b/;
const DAY_MONTH_YEAR = new RegExp(`\\b(1er|\\d{1,2})\\s+${MONTH_WORD}\\s+(\\d{4})\\b`);
const DAY_MONTH = new RegExp(`\\b(?:le\\s+)(1er|\\d{1,2})\\s+${MONTH_WORD}(?!\\s*\\d)`);
const MONTH_YEAR = new RegExp(`\\b${MONTH_WORD}\\s+(\\d{4})\\b`);
const MONTH_RELATIVE = new RegExp(
  `\\b(?:en\\s+|au\\s+mois\\s+d[e']\\s*|mois\\s+d[e']\\s*|d'|fin\\s+|debut\\s+|mi[\\s-])?${MONTH_WORD}(?:\\s+(prochain|dernier|passe|de\\s+cette\\s+annee|de\\s+l'annee\\s+prochaine|de\\s+l'annee\\s+derniere))?\\b`,
);
const MONTH_NUMERIC_YEAR = /\b(\d{1,2})\s*[/-]\s*(\d{4})\b/;
/** « juin 25 », « en sept 24 »: a month and a two-digit year (not « juin 25 ans », « juin, 25 euros »). */
const MONTH_SHORT_YEAR = new RegExp(
  `\\b${MONTH_WORD}\\s+(\\d{2})\\b(?!\\s*(?:ans?|h\\b|heures?|euros?|€|jours?|mois|sur\\b|\\/|[,.]\\d))`,
);
/** Verbs and phrases that place an event in the past. */
const PAST =
  /\b(eu|obtenue?s?|validee?s?|reussie?s?|ai passe|fini|finie|termine|terminee|rate|loupe|c'etait|c etait|etait|avais|acheve|achevee)\b/;
const YEAR_ONLY = /\b(?:en|depuis|annee|in)\s+((?:19|20)\d{2})\b/;

/**
 * Finds a French date in a message: "3 juillet 2024", "03/07/2024", "juin 2026", "en avril prochain",
 * "aujourd'hui", "le mois dernier", "en 2025". Relative expressions are resolved against `today`.
 * A month without a year is the next such month (or the last one with "dernier"/"passé").
 */
export function extractDate(text: string, today: Date, options: { past?: boolean } = {}): FrenchDate | null {
  const f = spokenYearsToDigits(fold(text));
  // The learner places the event in the past (« j'ai fini en septembre », « je l'ai eu en juillet »),
  // or the question asked was about a past event (a finished training, a result obtained).
  // « je termine en mars », « elle finit en juin » are to come: only « j'ai terminé », « formation terminée »… are past.
  const past =
    options.past ??
    PAST.test(
      f.replace(
        /\b(je|on|il|elle|nous|ma formation|la formation|formation) (se )?(termine|finis|finit|terminons|finissons)\b/g,
        ' ',
      ),
    );
  const now = startOfDay(today);
  let m = f.match(NUMERIC);
  if (m) {
    const d = safeDate(fullYear(m[3]!), Number(m[2]) - 1, Number(m[1]));
    if (d) return { date: d, precision: 'day', text: m[0] };
  }
  m = f.match(DAY_MONTH_YEAR);
  if (m) {
    const month = monthIndex(m[2]!);
    const d = month === null ? null : safeDate(Number(m[3]), month, m[1] === '1er' ? 1 : Number(m[1]));
    if (d) return { date: d, precision: 'day', text: m[0] };
  }
  m = f.match(MONTH_YEAR);
  if (m) {
    const month = monthIndex(m[1]!);
    if (month !== null) return { date: new Date(Number(m[2]), month, 1), precision: 'month', text: m[0] };
  }
  m = f.match(MONTH_NUMERIC_YEAR);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) {
    return { date: new Date(Number(m[2]), Number(m[1]) - 1, 1), precision: 'month', text: m[0] };
  }
  m = f.match(MONTH_SHORT_YEAR);
  if (m) {
    const month = monthIndex(m[1]!);
    const year = 2000 + Number(m[2]);
    if (month !== null && year >= 2015 && year <= now.getFullYear() + 3)
      return { date: new Date(year, month, 1), precision: 'month', text: m[0] };
  }
  m = f.match(DAY_MONTH);
  if (m) {
    const month = monthIndex(m[2]!);
    if (month !== null) {
      const day = m[1] === '1er' ? 1 : Number(m[1]);
      // Without a year, a past event ("validé le 15 juin") is the last such day; learners mostly
      // speak of results already obtained or of a training end this year.
      let d = safeDate(now.getFullYear(), month, day);
      if (d && d > now && past) d = safeDate(now.getFullYear() - 1, month, day);
      if (d) return { date: d, precision: 'day', text: m[0] };
    }
  }
  if (/\baujourd'?hui\b|\bce\s+jour\b/.test(f)) return { date: now, precision: 'day', text: "aujourd'hui" };
  if (/\bhier\b/.test(f)) return { date: subDays(now, 1), precision: 'day', text: 'hier' };
  if (/\bdemain\b/.test(f)) return { date: addDays(now, 1), precision: 'day', text: 'demain' };
  m = f.match(/\b(la\s+semaine|le\s+mois|l'annee|l'\s?an)\s+(derniere?|passee?|prochaine?)\b/);
  if (m) {
    const past = /^(derniere?|passee?)$/.test(m[2]!);
    const unit = m[1]!.includes('semaine') ? 'week' : m[1]!.includes('mois') ? 'month' : 'year';
    if (unit === 'week') return { date: past ? subWeeks(now, 1) : addWeeks(now, 1), precision: 'day', text: m[0] };
    if (unit === 'month') {
      const d = past ? subMonths(now, 1) : addMonths(now, 1);
      return { date: new Date(d.getFullYear(), d.getMonth(), 1), precision: 'month', text: m[0] };
    }
    const y = (past ? subYears(now, 1) : addYears(now, 1)).getFullYear();
    return { date: new Date(y, 0, 1), precision: 'year', text: m[0] };
  }
  m = f.match(/\bdans\s+(\d{1,2}|un|une|deux|trois|quatre|cinq|six)\s+(mois|semaines?|ans?)\b/);
  if (m) {
    const words: Record<string, number> = { un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6 };
    const n = words[m[1]!] ?? Number(m[1]);
    if (m[2]!.startsWith('mois')) {
      const d = addMonths(now, n);
      return { date: new Date(d.getFullYear(), d.getMonth(), 1), precision: 'month', text: m[0] };
    }
    if (m[2]!.startsWith('semaine')) return { date: addWeeks(now, n), precision: 'day', text: m[0] };
    return { date: new Date(now.getFullYear() + n, 0, 1), precision: 'year', text: m[0] };
  }
  m = f.match(MONTH_RELATIVE);
  if (
    m &&
    !(m[1] === 'mai' && !/\ben\s+mai\b|\bmois\s+de\s+mai\b|\bmai\s+(prochain|dernier)/.test(f)) &&
    !/^sept?$/.test(m[1]!)
  ) {
    // "mai" alone is a month only with a cue ("en mai"); "sept" alone is more often the number 7.
    const month = monthIndex(m[1]!);
    if (month !== null) {
      const qualifier = m[2] ?? '';
      let year = now.getFullYear();
      if (/prochain|annee\s+prochaine/.test(qualifier)) {
        if (month <= now.getMonth() || /annee/.test(qualifier)) year += 1;
      } else if (/dernier|passe|annee\s+derniere/.test(qualifier)) {
        if (month >= now.getMonth() || /annee/.test(qualifier)) year -= 1;
      } else if (/cette\s+annee/.test(qualifier)) {
        // this calendar year
      } else if (yearBefore(f, m.index ?? 0) !== null) {
        year = yearBefore(f, m.index ?? 0)!;
      } else if (past) {
        // A past event: the last such month (this one included).
        if (month > now.getMonth()) year -= 1;
      } else if (month < now.getMonth()) {
        // A bare month already past this year, for a future event: next year's.
        year += 1;
      }
      const d = new Date(year, month, 1);
      return { date: d, precision: 'month', text: m[0].trim() };
    }
  }
  // « validé en 24 », « eu 12 en 23 »: a two-digit year, only for an event told in the past and not
  // after this year (« en 12 » is more often a grade or a number). Before a full year, which is then
  // the moment asked about (« validé en 24, toujours bon en 2028 ? »).
  m = past ? f.match(/\ben\s+(\d{2})\b(?!\s*(?:ans?|mois|h\b|heures?|euros?|€|jours?|\/|[,.]\d))/) : null;
  if (m) {
    const year = 2000 + Number(m[1]);
    if (year >= 2015 && year <= now.getFullYear()) return { date: new Date(year, 0, 1), precision: 'year', text: m[0] };
  }
  // « obtenu cet été », « l'été dernier »: that summer's session (its year).
  m = f.match(/\b(cet\s+ete|l'?\s?ete\s+(?:dernier|passe))\b/);
  if (m && (past || /dernier|passe/.test(m[1]!))) {
    const summerGone = now.getMonth() >= 5;
    const year = /^cet/.test(m[1]!) ? now.getFullYear() : now.getFullYear() - (summerGone ? 1 : 2);
    return { date: new Date(year, 0, 1), precision: 'year', text: m[0] };
  }
  m = f.match(YEAR_ONLY);
  if (m) return { date: new Date(Number(m[1]), 0, 1), precision: 'year', text: m[0] };
  return null;
}

/**
 * « ma note de 2022 (12/20, obtenue en juin) »: a year told just before a bare month (within a few
 * words, no other month between, nothing asking about a later moment) is that month's year.
 */
function yearBefore(f: string, monthAt: number): number | null {
  const before = f.slice(Math.max(0, monthAt - 60), monthAt);
  const m = /\b(?:de|du|en|depuis|session)\s+((?:19|20)\d{2})\b(?![^]*\b(?:valable|jusqu|encore|toujours)\b)[^]*$/.exec(
    before,
  );
  return m ? Number(m[1]) : null;
}

/** Last day of the period a date designates (used to tell whether something is still valid). */
export function endOfPeriod(d: FrenchDate): Date {
  if (d.precision === 'day') return d.date;
  if (d.precision === 'month') return lastDayOfMonth(d.date);
  return new Date(d.date.getFullYear(), 11, 31);
}
