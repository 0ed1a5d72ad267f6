// One module per function: the date-fns index pulls hundreds of modules (≈250 ms at start-up).
import { addYears } from 'date-fns/addYears';
import { format } from 'date-fns/format';
import { isAfter } from 'date-fns/isAfter';
import { lastDayOfMonth } from 'date-fns/lastDayOfMonth';
import { startOfDay } from 'date-fns/startOfDay';
import { fr } from 'date-fns/locale/fr';
import { fill } from './conversation.ts';
import type { CalendarData } from './schema.ts';

/**
 * Date reasoning over the sheet's calendar (the knowledge base's `calendar`): registration once a year
 * within a window (the project's sheet says « à l'automne », taken as 22 September – 21 December; the
 * exact dates are set by each académie, which every answer says), exams in a given month, results valid
 * N years. The sentences are the knowledge base's too: another sheet's calendar is a data change.
 */

export type Precision = 'day' | 'month' | 'year';
export interface DateSpec {
  date: Date;
  precision: Precision;
}

/** "09-22" → month index 8, day 22. */
function monthDay(text: string): { month: number; day: number } {
  const [m, d] = text.split('-').map(Number) as [number, number];
  return { month: m - 1, day: d };
}

/** The placeholders a calendar text may use (checked at load). */
export const CALENDAR_PLACEHOLDERS = ['year', 'next_year', 'exam_month', 'exam_year', 'next_exam_year'] as const;

/** "15 juin 2030", "1er juillet 2026", "juin 2031", "2027" */
export function formatFrench(d: DateSpec): string {
  if (d.precision === 'year') return String(d.date.getFullYear());
  if (d.precision === 'month') return format(d.date, 'MMMM yyyy', { locale: fr });
  const day = d.date.getDate() === 1 ? '1er' : String(d.date.getDate());
  return `${day} ${format(d.date, 'MMMM yyyy', { locale: fr })}`;
}

/** "jusqu'au 15 juin 2030", "jusqu'en juin 2031", "jusqu'en 2031". */
export function formatUntil(d: DateSpec): string {
  return d.precision === 'day' ? `jusqu'au ${formatFrench(d)}` : `jusqu'en ${formatFrench(d)}`;
}

/** The same with its preposition: "le 3 juillet 2026", "en juin 2026". */
export function formatWhen(d: DateSpec): string {
  return d.precision === 'day' ? `le ${formatFrench(d)}` : `en ${formatFrench(d)}`;
}

/**
 * Where a date said by the learner stands against today, at its own precision: « juin 2026 » in
 * June 2026 is neither before nor after (-1 before, 0 the same day / month / year, 1 after).
 */
export function compareToToday(d: DateSpec, today: Date): -1 | 0 | 1 {
  const key = (x: Date) =>
    d.precision === 'year'
      ? x.getFullYear()
      : d.precision === 'month'
        ? x.getFullYear() * 12 + x.getMonth()
        : startOfDay(x).getTime();
  const a = key(d.date);
  const b = key(today);
  return a < b ? -1 : a > b ? 1 : 0;
}

function endOf(d: DateSpec): Date {
  if (d.precision === 'day') return startOfDay(d.date);
  if (d.precision === 'month') return lastDayOfMonth(d.date);
  return new Date(d.date.getFullYear(), 11, 31);
}

export interface ExamPlan {
  /** Autumn in which to register. */
  registrationYear: number;
  /** June session that registration leads to. */
  examYear: number;
  /** True when the reference date falls inside autumn: registration may still be open, or not. */
  inRegistrationSeason: boolean;
  registrationText: string;
  examText: string;
}

/**
 * Which registration window and which session follow the end of the training (or today, if the
 * training ended earlier: one registers as soon as the training ends, once a year, within the window).
 */
export function planExam(
  trainingEnd: DateSpec | null,
  today: Date,
  calendar: CalendarData,
  examMonthName = 'juin',
): ExamPlan {
  const end = trainingEnd ? endOf(trainingEnd) : startOfDay(today);
  const reference = isAfter(end, today) ? end : startOfDay(today);
  const y = reference.getFullYear();
  const from = monthDay(calendar.registration_window.from);
  const to = monthDay(calendar.registration_window.to);
  const windowStart = new Date(y, from.month, from.day);
  const windowEnd = new Date(y, to.month, to.day);
  const t = calendar.texts;
  const say = (text: string, year: number) =>
    fill(text, { year, next_year: year + 1, exam_month: examMonthName, exam_year: year + 1, next_exam_year: year + 2 });
  if (reference < windowStart) {
    return {
      registrationYear: y,
      examYear: y + 1,
      inRegistrationSeason: false,
      registrationText: say(t.registration, y),
      examText: say(t.exam, y),
    };
  }
  if (reference <= windowEnd) {
    return {
      registrationYear: y,
      examYear: y + 1,
      inRegistrationSeason: true,
      registrationText: say(t.registration_open, y),
      examText: say(t.exam, y),
    };
  }
  return {
    registrationYear: y + 1,
    examYear: y + 2,
    inRegistrationSeason: false,
    registrationText: say(t.registration, y + 1),
    examText: say(t.exam, y + 1),
  };
}

export interface Validity {
  validUntil: DateSpec;
  stillValid: boolean;
  statusText: string;
}

/** Results are valid `years` years from the date obtained: end date, and whether still valid today. */
export function computeValidity(obtained: DateSpec, years: number, today: Date, calendar: CalendarData): Validity {
  const validUntil: DateSpec = { date: addYears(obtained.date, years), precision: obtained.precision };
  const stillValid = !isAfter(startOfDay(today), endOf(validUntil));
  const statusText = isAfter(obtained.date, startOfDay(today))
    ? calendar.texts.to_come
    : stillValid
      ? calendar.texts.still_valid
      : calendar.texts.expired;
  return { validUntil, stillValid, statusText };
}
