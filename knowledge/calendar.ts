// One module per function: the date-fns index pulls hundreds of modules (≈250 ms at start-up).
import { addYears } from 'date-fns/addYears';
import { format } from 'date-fns/format';
import { isAfter } from 'date-fns/isAfter';
import { lastDayOfMonth } from 'date-fns/lastDayOfMonth';
import { startOfDay } from 'date-fns/startOfDay';
import { fr } from 'date-fns/locale/fr';

/**
 * Date reasoning over the sheet's calendar facts: registration once a year in autumn, exams in June,
 * results valid N years. Autumn is taken as 22 September – 21 December; the exact registration dates
 * are set by each académie, which every answer says.
 */

export type Precision = 'day' | 'month' | 'year';
export interface DateSpec { date: Date; precision: Precision }

const AUTUMN_START = { month: 8, day: 22 };
const AUTUMN_END = { month: 11, day: 21 };

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
  const key = (x: Date) => (d.precision === 'year' ? x.getFullYear() : d.precision === 'month' ? x.getFullYear() * 12 + x.getMonth() : startOfDay(x).getTime());
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
 * Which autumn registration and which June session follow the end of the training (or today, if the
 * training ended earlier: one registers as soon as the training ends, once a year, in autumn).
 */
export function planExam(trainingEnd: DateSpec | null, today: Date, examMonthName = 'juin'): ExamPlan {
  const end = trainingEnd ? endOf(trainingEnd) : startOfDay(today);
  const reference = isAfter(end, today) ? end : startOfDay(today);
  const y = reference.getFullYear();
  const autumnStart = new Date(y, AUTUMN_START.month, AUTUMN_START.day);
  const autumnEnd = new Date(y, AUTUMN_END.month, AUTUMN_END.day);
  if (reference < autumnStart) {
    return { registrationYear: y, examYear: y + 1, inRegistrationSeason: false, registrationText: `à l'automne ${y}`, examText: `en ${examMonthName} ${y + 1}` };
  }
  if (reference <= autumnEnd) {
    return {
      registrationYear: y,
      examYear: y + 1,
      inRegistrationSeason: true,
      registrationText: `dès maintenant, à l'automne ${y}, si les inscriptions de votre académie sont encore ouvertes (sinon à l'automne ${y + 1}, pour l'examen de ${examMonthName} ${y + 2})`,
      examText: `en ${examMonthName} ${y + 1}`,
    };
  }
  return { registrationYear: y + 1, examYear: y + 2, inRegistrationSeason: false, registrationText: `à l'automne ${y + 1}`, examText: `en ${examMonthName} ${y + 2}` };
}

export interface Validity {
  validUntil: DateSpec;
  stillValid: boolean;
  statusText: string;
}

/** Results are valid `years` years from the date obtained: end date, and whether still valid today. */
export function computeValidity(obtained: DateSpec, years: number, today: Date): Validity {
  const validUntil: DateSpec = { date: addYears(obtained.date, years), precision: obtained.precision };
  const stillValid = !isAfter(startOfDay(today), endOf(validUntil));
  const statusText = stillValid ? "il est donc toujours valable aujourd'hui" : "il n'est donc plus valable aujourd'hui";
  return { validUntil, stillValid, statusText };
}
