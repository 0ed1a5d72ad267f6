/**
 * The held-out question families of the learner assistant and how a reply is judged.
 *
 * Files (JSON Lines) are written by people who never saw the training sentences (see README):
 * intents/heldout/{single,near-oos,compound,followups,yesno}.jsonl, and a development set in
 * intents/dev/ with the same shape, which is the only one looked at while tuning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const FAMILIES = ['single', 'near-oos', 'compound', 'followups', 'yesno'] as const;
export type Family = (typeof FAMILIES)[number];

const Turn = z.object({
  text: z.string().min(1),
  /** Knowledge entries a right answer must give ([] = the sheet does not answer it). */
  expect: z.array(z.string()),
  /** Other entries that may also be given. */
  ok: z.array(z.string()).optional(),
  /** For yes/no questions: the word the reply must open with (null: neither Oui nor Non). */
  yesno: z.enum(['oui', 'non']).nullable().optional(),
  /** Regexes the folded reply must match (computed values: dates, académies). */
  all: z.array(z.string()).optional(),
  partial: z.boolean().optional(),
});
export type Turn = z.infer<typeof Turn>;

const Case = z.union([Turn.extend({ id: z.string() }), z.object({ id: z.string(), turns: z.array(Turn).min(1) })]);
export interface Case {
  id: string;
  turns: Turn[];
}

export function loadCases(file: string): Case[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => {
      const parsed = Case.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const c = parsed.data;
      return 'turns' in c ? { id: c.id, turns: c.turns } : { id: c.id, turns: [c] };
    });
}

export function familyFile(dir: string, family: Family): string {
  return join(dir, `${family}.jsonl`);
}

/** What one reply (all the messages of one turn) did, as read from the activities. */
export interface Reply {
  text: string;
  /** Knowledge entries the reply answered (a guided dialog's first question counts for its subject). */
  entries: string[];
}

export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/[’‘]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Facts of the sheet a reply to a question the sheet does not answer must not state (as converse.mjs). */
const FACTS =
  /2 ?h ?30|2 heures|rectorat|\bjuin\b|automne|5 ans|cinq ans|\bjury\b|5,00|5 ?€|candidat (libre|individuel)|10 ?\/ ?20|\becrite?\b/;

/** Why a reply is wrong for a turn ([] = right). */
export function judge(turn: Turn, reply: Reply): string[] {
  const why: string[] = [];
  const f = fold(reply.text);
  const opening = f.trim().match(/^(oui|non|si)\b/)?.[1];
  if (turn.expect.length === 0) {
    if (reply.entries.length > 0) why.push(`answered ${reply.entries.join('+')}`);
    const fact = fold(reply.text).match(FACTS);
    if (fact) why.push(`states "${fact[0]}"`);
    if (/source ?: ?modalites/.test(f)) why.push('cites the sheet');
    if (opening) why.push(`opens with ${opening}`);
    return why;
  }
  const missing = turn.expect.filter((e) => !reply.entries.includes(e));
  if (missing.length)
    why.push(
      `missing ${missing.join('+')}${reply.entries.length ? ` (gave ${reply.entries.join('+')})` : ' (no answer)'}`,
    );
  const allowed = new Set([...turn.expect, ...(turn.ok ?? [])]);
  const extra = reply.entries.filter((e) => !allowed.has(e));
  // One neighbouring entry more is tolerated (a broad answer); a dump of several is not.
  if (extra.length > 1) why.push(`also gave ${extra.join('+')}`);
  if (turn.yesno !== undefined) {
    if (turn.yesno === null && (opening === 'oui' || opening === 'non'))
      why.push(`opens with ${opening}, the sheet does not settle it`);
    // « Si » is the yes to a negative question (« je ne peux pas… ? »): right for either labelling.
    if (turn.yesno === 'oui' && opening !== 'oui' && opening !== 'si') why.push('should open with Oui');
    if (turn.yesno === 'non' && opening !== 'non' && opening !== 'si') why.push('should open with Non');
  }
  for (const re of turn.all ?? []) if (!new RegExp(re, 'i').test(f)) why.push(`missing /${re}/`);
  return why;
}
