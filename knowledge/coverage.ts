import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from './validation-error.ts';

/**
 * What the sheet does not answer (knowledge/not-covered.yaml): near-domain topics — another bloc, the
 * VAE, funding, accommodations, the exact date or place… — for which the assistant says « la fiche ne
 * précise pas » and who can answer, instead of an exam fact that merely shares the question's words.
 */

const CoverageSchema = z.object({
  topics: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      about: z.string().min(3),
      ask: z.string().min(1),
      patterns: z.array(z.string().min(1)).min(1),
      /** Yes/no questions of these intents name the topic to check what the sheet says (« c'est le bloc 3 ? »). */
      except_intents: z.array(z.string()).default([]),
      /**
       * Intents whose entry may settle a closed question (yes/no, choice, or a claim) that names the topic:
       * when a claim of one of these entries matches (« je suis obligé de passer les autres épreuves du
       * BTS ? », « c'est bien le bloc 3 qu'on valide ? », « l'examen dure 4h comme les autres épreuves ? »),
       * that entry answers (« Non : … »); otherwise the topic stays uncovered (« je peux passer les autres
       * blocs aussi ? »). The router checks the claims (see Router.settle).
       */
      settled_by: z.array(z.string()).default([]),
      /** Questions about these subjects may mention the topic in passing (validity « si je fais les autres blocs »). */
      never_with: z.array(z.string()).default([]),
      /**
       * A situation that changes every answer (living abroad, one's nationality): the whole message is
       * refused even when it is said as context (« j'habite en Belgique, je dépends de quelle académie ? »).
       */
      condition: z.boolean().default(false),
    }),
  ),
  ask: z.record(z.string(), z.string().min(3)),
});

export interface UncoveredTopic {
  id: string;
  /** Intents whose claims may settle a closed question naming this topic (see `settled_by`). */
  settledBy?: string[];
  /** Completes « La fiche de sanction ne précise pas … ». */
  about: string;
  /** Who to ask, in the assistant's words. */
  ask: string;
  /** Said anywhere in the message, it leaves every question of it unanswered. */
  condition?: boolean;
}

export class Coverage {
  private constructor(
    private readonly topics: (UncoveredTopic & {
      /**
       * The topic's patterns as one alternation when they allow it: a question is then tested against
       * each topic once, not against each of its patterns (hundreds in all, most failing on every question).
       */
      patterns: RegExp[];
      except: string[];
      settledBy: string[];
      never: string[];
    })[],
  ) {}

  static empty(): Coverage {
    return new Coverage([]);
  }

  static load(file: string): Coverage {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: cannot read: ${(err as Error).message}`, { cause: err });
    }
    const result = CoverageSchema.safeParse(raw);
    if (!result.success) throw new Error(formatZodIssues(file, result.error));
    const { topics, ask } = result.data;
    return new Coverage(
      topics.map((t, i) => {
        const who = ask[t.ask];
        if (!who)
          throw new Error(`${file}: topics[${i}].ask: expected one of ${Object.keys(ask).join(', ')}, got "${t.ask}"`);
        // Each one compiled on its own, for a message that names the one to fix.
        const patterns = t.patterns.map((p, j) => {
          try {
            return new RegExp(p);
          } catch (err) {
            throw new Error(
              `${file}: topics[${i}].patterns[${j}]: not a valid regular expression: ${(err as Error).message}`,
              { cause: err },
            );
          }
        });
        return {
          id: t.id,
          about: t.about,
          ask: who,
          // (?:…) keeps each pattern's own alternatives inside it, and they take no flags: the alternation
          // matches exactly where one of them does — unless one refers to its own groups (\\1, \\k<name>,
          // a named group), whose numbers or names joining would change.
          patterns: t.patterns.some((p) => /\\[1-9]|\\k<|\(\?<[^=!]/.test(p))
            ? patterns
            : [new RegExp(t.patterns.map((p) => `(?:${p})`).join('|'))],
          except: t.except_intents,
          settledBy: t.settled_by,
          never: t.never_with,
          ...(t.condition ? { condition: true } : {}),
        };
      }),
    );
  }

  /** The topic the sheet does not cover that a question (normalised words) is about, if any. */
  uncovered(
    normal: string,
    intent?: string | null,
    closed = false,
    subjects: ReadonlySet<string> = new Set(),
    skip: ReadonlySet<string> = new Set(),
  ): UncoveredTopic | null {
    for (const t of this.topics) {
      if (skip.has(t.id)) continue;
      if (closed && intent && t.except.includes(intent)) continue;
      if (t.never.some((s) => subjects.has(s))) continue;
      if (t.patterns.some((p) => p.test(normal)))
        return {
          id: t.id,
          about: t.about,
          ask: t.ask,
          ...(t.settledBy.length > 0 ? { settledBy: t.settledBy } : {}),
          ...(t.condition ? { condition: true } : {}),
        };
    }
    return null;
  }
}
