import { z } from 'zod';

/** Shape of a knowledge base file (knowledge/*.yaml). See the comments at the top of bts-mco-bloc4.yaml. */

const Id = z.string().regex(/^[a-z0-9-]+$/, 'kebab-case id (a-z, 0-9, -)');
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const SectionSchema = z.object({
  id: z.string().min(1),
  /** How the section is cited: "§2", "introduction". */
  label: z.string().min(1),
  title: z.string().min(1),
});

export const LinkSlotSchema = z.object({
  label: z.string().min(1),
  /** Name of the configuration key holding the address (the sheet itself has none). */
  env: z.string().regex(/^LINK_[A-Z0-9_]+$/, 'a configuration key LINK_… (the configuration accepts any LINK_* key)'),
});

/** A topic of the menu: a guided dialog to start, or an entry to answer (both checked at start, dialogs/wiring.ts). */
export const MenuItemSchema = z.object({
  label: z.string().min(1),
  action: z.string().regex(/^(dialog|entry):[a-z0-9_-]+$/, '"dialog:<name>" or "entry:<id>"'),
});

const MonthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'a day of the year, MM-DD');

/**
 * The sheet's calendar as dates are computed from it (knowledge/calendar.ts): the days registration is
 * taken to be open each year, and the sentences of a computed plan or validity. Needed by the entries
 * whose templates compute dates (checked at load).
 */
export const CalendarSchema = z.object({
  /** Registration is open once a year between these days (MM-DD, within one year). */
  registration_window: z.object({ from: MonthDay, to: MonthDay }),
  /**
   * {year}: the registration's year; {next_year}; {exam_month}: the exam's month in words; {exam_year};
   * {next_exam_year}: the session after.
   */
  texts: z.object({
    /** When to register, outside the window. */
    registration: z.string().min(3),
    /** When to register, inside the window (it may still be open, or not). */
    registration_open: z.string().min(3),
    /** The session that registration leads to. */
    exam: z.string().min(3),
    /** A result still valid today, and one that is not. */
    still_valid: z.string().min(3),
    expired: z.string().min(3),
    /** A result still to come (« si je réussis en juin 2027 »): its validity has not started. */
    to_come: z.string().min(3),
  }),
});

export const EntrySchema = z.object({
  id: Id,
  /** Intents (from intents/catalog.yaml) answered by this entry. */
  intents: z.array(z.string().regex(/^[a-z_]+$/)).min(1),
  /** The question this entry answers, as a learner would ask it; used as a button label. */
  question: z.string().min(3),
  short: z.string().min(3),
  detailed: z.string().min(3),
  /** Facts that are values (durations, grades, years): used for computed answers and placeholders. */
  values: z.record(z.string().regex(/^[a-z_]+$/), Scalar).default({}),
  /** Texts with {placeholders} for answers that depend on the learner's grade, date or place. */
  templates: z.record(z.string().regex(/^[a-z_]+$/), z.string().min(3)).default({}),
  links: z.array(z.string()).default([]),
  source: z.object({
    section: z.string().min(1),
    quotes: z.array(z.string().min(10)).min(1),
  }),
  follow_ups: z.array(Id).default([]),
  /** Other entries whose facts the short answer states too (« 2 h 30 … écrite, face à un jury »): recorded with the answer. */
  also_states: z.array(Id).default([]),
  /**
   * How a yes/no question about this entry is answered: `default` for a plain « … ? », and `claims`
   * (patterns over the folded question) that the sheet confirms (oui) or contradicts (non).
   * Without a verdict the answer opens with neither.
   */
  yes_no: z
    .object({
      default: z.enum(['oui', 'non']).optional(),
      claims: z
        .array(z.object({ when: z.array(z.string().min(1)).min(1), answer: z.enum(['oui', 'non']) }))
        .default([]),
    })
    .optional(),
});

export const KnowledgeFileSchema = z.object({
  document: z.object({
    id: Id,
    title: z.string().min(1),
    training: z.string().min(1),
    certification: z.string().min(1),
    /** Path of the source text, relative to the knowledge base file. */
    source_file: z.string().min(1),
    sections: z.array(SectionSchema).min(1),
    /** Questions near the subject that the sheet does not answer (path relative to this file). */
    not_covered: z.string().min(1).optional(),
    /**
     * The sheet's own intents, beside intents/catalog.yaml: a folder (relative to this file) holding a
     * catalog.yaml and training/<intent>.yaml, in the same shapes as intents/.
     */
    intents: z.string().min(1).optional(),
  }),
  /** The sheet's own menu, instead of conversation.fr.yaml's (whose entries belong to the project's sheet). */
  menu: z.array(MenuItemSchema).min(1).optional(),
  links: z.record(z.string(), LinkSlotSchema).default({}),
  calendar: CalendarSchema.optional(),
  entries: z.array(EntrySchema).min(1),
});

export type KnowledgeFile = z.infer<typeof KnowledgeFileSchema>;
export type Entry = z.infer<typeof EntrySchema>;
export type Section = z.infer<typeof SectionSchema>;
export type CalendarData = z.infer<typeof CalendarSchema>;
