import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { CALENDAR_PLACEHOLDERS } from './calendar.ts';
import { Coverage } from './coverage.ts';
import { KnowledgeFileSchema, type Entry, type KnowledgeFile, type Section } from './schema.ts';
import { formatZodIssues } from './validation-error.ts';

/** Whitespace-insensitive form used to find quotes in the source text. */
export function normalizeSpaces(s: string): string {
  return s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

export class KnowledgeBaseError extends Error {}

/**
 * The knowledge base: entries built from one sanction sheet, each tied to the exact sentence(s) of
 * the sheet it rests on. Loading checks the schema, the cross-references and every quote, so the
 * base cannot drift from the document.
 */
export class KnowledgeBase {
  private readonly byId = new Map<string, Entry>();
  private readonly byIntent = new Map<string, Entry>();
  private readonly values = new Map<string, string | number | boolean>();

  private constructor(
    readonly file: string,
    readonly data: KnowledgeFile,
    readonly sourceText: string,
    /** What the sheet does not answer (empty when the knowledge base names no such file). */
    readonly coverage: Coverage = Coverage.empty(),
  ) {
    for (const e of data.entries) {
      this.byId.set(e.id, e);
      for (const intent of e.intents) if (!this.byIntent.has(intent)) this.byIntent.set(intent, e);
      for (const [k, v] of Object.entries(e.values)) this.values.set(k, v);
    }
  }

  static load(file: string): KnowledgeBase {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new KnowledgeBaseError(`${file}: cannot read the knowledge base: ${(err as Error).message}`);
    }
    const result = KnowledgeFileSchema.safeParse(raw);
    if (!result.success) throw new KnowledgeBaseError(formatZodIssues(file, result.error));
    const data = result.data;
    const sourcePath = resolve(dirname(file), data.document.source_file);
    let sourceText: string;
    try {
      sourceText = readFileSync(sourcePath, 'utf8');
    } catch {
      throw new KnowledgeBaseError(`${file}: document.source_file: cannot read "${sourcePath}"`);
    }
    KnowledgeBase.check(file, data, sourceText);
    const coverage = data.document.not_covered
      ? Coverage.load(resolve(dirname(file), data.document.not_covered))
      : Coverage.empty();
    return new KnowledgeBase(file, data, sourceText, coverage);
  }

  /** Cross-reference and quote checks that a schema cannot express. */
  private static check(file: string, data: KnowledgeFile, sourceText: string): void {
    const fail = (path: string, message: string) => {
      throw new KnowledgeBaseError(`${file}: ${path}: ${message}`);
    };
    const source = normalizeSpaces(sourceText);
    const sections = new Set(data.document.sections.map((s) => s.id));
    const ids = new Set<string>();
    const valueKeys = new Map<string, { entry: string; value: unknown }>();
    data.entries.forEach((e, i) => {
      if (ids.has(e.id)) fail(`entries[${i}].id`, `duplicate id "${e.id}"`);
      ids.add(e.id);
      if (!sections.has(e.source.section))
        fail(`entries[${i}].source.section`, `expected one of ${[...sections].join(', ')}, got "${e.source.section}"`);
      e.source.quotes.forEach((q, j) => {
        if (!source.includes(normalizeSpaces(q)))
          fail(
            `entries[${i}].source.quotes[${j}]`,
            `not found word for word in ${data.document.source_file}: "${q.slice(0, 80)}…"`,
          );
      });
      e.links.forEach((l, j) => {
        if (!data.links[l])
          fail(
            `entries[${i}].links[${j}]`,
            `expected one of ${Object.keys(data.links).join(', ') || '(no links declared)'}, got "${l}"`,
          );
      });
      e.yes_no?.claims.forEach((c, j) =>
        c.when.forEach((p, k) => {
          try {
            new RegExp(p);
          } catch (err) {
            fail(
              `entries[${i}].yes_no.claims[${j}].when[${k}]`,
              `not a valid regular expression: ${(err as Error).message}`,
            );
          }
        }),
      );
      for (const [k, v] of Object.entries(e.values)) {
        const previous = valueKeys.get(k);
        if (previous && previous.value !== v)
          fail(
            `entries[${i}].values.${k}`,
            `${JSON.stringify(v)} contradicts ${JSON.stringify(previous.value)} given by entry "${previous.entry}" (a value name means one fact)`,
          );
        valueKeys.set(k, { entry: e.id, value: v });
      }
    });
    // Computed dates need the sheet's calendar; its sentences use only the placeholders a plan fills.
    const dated = ['plan', 'today', 'dated', 'passed_dated', 'passed_expired', 'failed'];
    data.entries.forEach((e, i) => {
      const name = dated.find((t) => e.templates[t] !== undefined);
      if (name && !data.calendar)
        fail(
          `entries[${i}].templates.${name}`,
          "a computed date needs the knowledge base's `calendar` (registration window and its sentences)",
        );
    });
    if (data.calendar) {
      const { from, to } = data.calendar.registration_window;
      if (from >= to)
        fail('calendar.registration_window', `from (${from}) must come before to (${to}) within one year`);
      for (const [key, text] of Object.entries(data.calendar.texts)) {
        for (const [, name] of text.matchAll(/\{([a-z_]+)\}/g)) {
          if (!(CALENDAR_PLACEHOLDERS as readonly string[]).includes(name!))
            fail(
              `calendar.texts.${key}`,
              `unknown placeholder {${name}} (expected ${CALENDAR_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`,
            );
        }
      }
    }
    data.entries.forEach((e, i) => {
      e.follow_ups.forEach((f, j) => {
        if (!ids.has(f)) fail(`entries[${i}].follow_ups[${j}]`, `unknown entry id "${f}"`);
      });
      e.also_states.forEach((f, j) => {
        if (!ids.has(f)) fail(`entries[${i}].also_states[${j}]`, `unknown entry id "${f}"`);
      });
    });
  }

  get title(): string {
    return this.data.document.title;
  }

  get entries(): readonly Entry[] {
    return this.data.entries;
  }

  entry(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  entryForIntent(intent: string): Entry | undefined {
    return this.byIntent.get(intent);
  }

  section(id: string): Section | undefined {
    return this.data.document.sections.find((s) => s.id === id);
  }

  /** A structured value by name (e.g. "pass_grade"), from any entry. */
  value(name: string): string | number | boolean | undefined {
    return this.values.get(name);
  }

  numberValue(name: string): number | undefined {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  /** All values, for filling template placeholders. */
  allValues(): Record<string, string> {
    return Object.fromEntries([...this.values].map(([k, v]) => [k, String(v)]));
  }

  /** The registration window and the sentences of computed dates (`calendar`), when the sheet has computed answers. */
  get calendar(): KnowledgeFile['calendar'] {
    return this.data.calendar;
  }

  /** The folder of the sheet's own intents (`document.intents`), resolved; none for most sheets. */
  get intentsDir(): string | undefined {
    return this.data.document.intents ? resolve(dirname(this.file), this.data.document.intents) : undefined;
  }

  /** Link slots declared by the base (label + configuration key). */
  get linkSlots(): KnowledgeFile['links'] {
    return this.data.links;
  }

  /** The entry whose button label (question) is exactly this text, ignoring case and spaces. */
  entryByQuestion(text: string): Entry | undefined {
    const wanted = normalizeSpaces(text).toLowerCase();
    return this.data.entries.find((e) => normalizeSpaces(e.question).toLowerCase() === wanted);
  }
}
