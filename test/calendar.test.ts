import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  computeValidity,
  formatFrench,
  formatUntil,
  formatWhen,
  planExam as planWith,
  type DateSpec,
} from '../knowledge/calendar.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';

/** The project's sheet's calendar (knowledge base `calendar`): registration window and sentences. */
const CALENDAR = KnowledgeBase.load(join(KNOWLEDGE_DIR, 'bts-mco-bloc4.yaml')).calendar!;
const planExam = (end: DateSpec | null, today: Date, examMonthName?: string) =>
  planWith(end, today, CALENDAR, examMonthName);

/** 26 November 2026: inside the autumn registration season (22 September – 21 December). */
const TODAY = new Date(2026, 10, 26, 12);

const month = (year: number, monthIndex: number): DateSpec => ({
  date: new Date(year, monthIndex, 1),
  precision: 'month',
});
const day = (year: number, monthIndex: number, d: number): DateSpec => ({
  date: new Date(year, monthIndex, d),
  precision: 'day',
});

describe('planExam', () => {
  it('training ending in May 2027 → register in autumn 2027, exam in June 2028', () => {
    const plan = planExam(month(2027, 4), TODAY);
    expect(plan).toMatchObject({ registrationYear: 2027, examYear: 2028, inRegistrationSeason: false });
    expect(plan.registrationText).toBe("à l'automne 2027");
    expect(plan.examText).toBe('en juin 2028');
  });

  it('training ending on 15 October 2026 (seen from today) → registration season now, exam June 2027, June 2028 as the alternative', () => {
    const plan = planExam(day(2026, 9, 15), TODAY);
    expect(plan).toMatchObject({ registrationYear: 2026, examYear: 2027, inRegistrationSeason: true });
    expect(plan.examText).toBe('en juin 2027');
    expect(plan.registrationText).toContain("à l'automne 2026");
    expect(plan.registrationText).toContain("sinon à l'automne 2027");
    expect(plan.registrationText).toContain('juin 2028');
  });

  it('training ending on 15 October 2026, asked in March 2026 → same season (the end date is the reference)', () => {
    const plan = planExam(day(2026, 9, 15), new Date(2026, 2, 1));
    expect(plan).toMatchObject({ registrationYear: 2026, examYear: 2027, inRegistrationSeason: true });
    expect(plan.examText).toBe('en juin 2027');
    expect(plan.registrationText).toContain('juin 2028');
  });

  it('training ending in January 2027 → autumn 2027, June 2028', () => {
    const plan = planExam(month(2027, 0), TODAY);
    expect(plan).toMatchObject({ registrationYear: 2027, examYear: 2028, inRegistrationSeason: false });
    expect(plan.registrationText).toBe("à l'automne 2027");
    expect(plan.examText).toBe('en juin 2028');
  });

  it('training ended in the past (March 2025) → planned from today, not from the end date', () => {
    const plan = planExam(month(2025, 2), TODAY);
    expect(plan).toEqual(planExam(null, TODAY));
    expect(plan).toMatchObject({ registrationYear: 2026, examYear: 2027, inRegistrationSeason: true });
    expect(plan.examText).toBe('en juin 2027');
    expect(plan.registrationText).not.toContain('2025');
    // Out of season, "today" still decides: in January 2027 the next autumn is 2027.
    const january = planExam(month(2025, 2), new Date(2027, 0, 10));
    expect(january).toMatchObject({ registrationYear: 2027, examYear: 2028, inRegistrationSeason: false });
    expect(january.registrationText).toBe("à l'automne 2027");
  });

  it('season boundaries: 21 September is before autumn, 22 September and 21 December inside, 22 December after', () => {
    expect(planExam(day(2027, 8, 21), TODAY)).toMatchObject({
      registrationYear: 2027,
      examYear: 2028,
      inRegistrationSeason: false,
    });
    expect(planExam(day(2027, 8, 22), TODAY)).toMatchObject({
      registrationYear: 2027,
      examYear: 2028,
      inRegistrationSeason: true,
    });
    expect(planExam(day(2027, 11, 21), TODAY)).toMatchObject({
      registrationYear: 2027,
      examYear: 2028,
      inRegistrationSeason: true,
    });
    expect(planExam(day(2027, 11, 22), TODAY)).toMatchObject({
      registrationYear: 2028,
      examYear: 2029,
      inRegistrationSeason: false,
    });
  });

  it('names the exam month it is given', () => {
    expect(planExam(month(2027, 4), TODAY, 'mai').examText).toBe('en mai 2028');
  });
});

describe('computeValidity', () => {
  it('obtained on 15 June 2025, valid 5 years → until 15 juin 2030, still valid on 26 November 2026', () => {
    const v = computeValidity(day(2025, 5, 15), 5, TODAY, CALENDAR);
    expect(v.validUntil.precision).toBe('day');
    expect(formatFrench(v.validUntil)).toBe('15 juin 2030');
    expect(v.stillValid).toBe(true);
    expect(v.statusText).toBe("il est donc toujours valable aujourd'hui");
  });

  it('obtained in June 2020 (month precision) → until juin 2025, no longer valid on 26 November 2026', () => {
    const v = computeValidity(month(2020, 5), 5, TODAY, CALENDAR);
    expect(v.validUntil.precision).toBe('month');
    expect(formatFrench(v.validUntil)).toBe('juin 2025');
    expect(v.stillValid).toBe(false);
    expect(v.statusText).toBe("il n'est donc plus valable aujourd'hui");
  });

  it('is valid through the last day (day precision) and the whole last month (month precision)', () => {
    expect(computeValidity(day(2021, 10, 26), 5, TODAY, CALENDAR).stillValid).toBe(true);
    expect(computeValidity(day(2021, 10, 25), 5, TODAY, CALENDAR).stillValid).toBe(false);
    expect(computeValidity(month(2021, 10), 5, TODAY, CALENDAR).stillValid).toBe(true);
    expect(computeValidity(month(2021, 9), 5, TODAY, CALENDAR).stillValid).toBe(false);
  });

  it('uses the number of years it is given', () => {
    expect(formatFrench(computeValidity(day(2025, 5, 15), 4, TODAY, CALENDAR).validUntil)).toBe('15 juin 2029');
  });
});

describe('formatFrench', () => {
  it('writes "1er" for the first day of a month', () => {
    expect(formatFrench(day(2026, 6, 1))).toBe('1er juillet 2026');
    expect(formatFrench(day(2027, 0, 1))).toBe('1er janvier 2027');
  });

  it('writes other days as numbers, months and years alone by precision', () => {
    expect(formatFrench(day(2026, 6, 3))).toBe('3 juillet 2026');
    expect(formatFrench(day(2030, 5, 15))).toBe('15 juin 2030');
    expect(formatFrench(month(2031, 5))).toBe('juin 2031');
    expect(formatFrench({ date: new Date(2027, 0, 1), precision: 'year' })).toBe('2027');
  });

  it('formatWhen / formatUntil add the right preposition', () => {
    expect(formatWhen(day(2026, 6, 3))).toBe('le 3 juillet 2026');
    expect(formatWhen(month(2026, 5))).toBe('en juin 2026');
    expect(formatUntil(day(2030, 5, 15))).toBe("jusqu'au 15 juin 2030");
    expect(formatUntil(month(2031, 5))).toBe("jusqu'en juin 2031");
  });
});

describe("the calendar is the knowledge base's: another sheet's window and sentences need no code", () => {
  const spring = {
    registration_window: { from: '03-01', to: '04-30' },
    texts: {
      ...CALENDAR.texts,
      registration: 'au printemps {year}',
      registration_open: 'dès maintenant (printemps {year})',
      exam: 'en {exam_month} {exam_year}',
    },
  };
  it('a spring window: before it, that spring; within it, now; after it, the next spring', () => {
    expect(planWith(null, new Date(2027, 1, 10), spring, 'octobre')).toMatchObject({
      registrationYear: 2027,
      inRegistrationSeason: false,
      registrationText: 'au printemps 2027',
      examText: 'en octobre 2028',
    });
    expect(planWith(null, new Date(2027, 3, 10), spring, 'octobre')).toMatchObject({
      inRegistrationSeason: true,
      registrationText: 'dès maintenant (printemps 2027)',
    });
    expect(planWith(null, TODAY, spring, 'octobre')).toMatchObject({
      registrationYear: 2027,
      registrationText: 'au printemps 2027',
      examText: 'en octobre 2028',
    });
  });
});
