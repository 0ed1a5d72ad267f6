import type { LearnerMessage, TranscriptEntry } from './store.ts';

/**
 * The rows both transcript stores read (same columns in SQLite's `activities` and PostgreSQL's
 * `transcript_activities`) and what they become. PostgreSQL hands its bigints (seq, at) over as
 * strings, SQLite as numbers: both go through Number().
 */
export interface ActivityRow {
  seq: number | string;
  conversation_id: string;
  channel_id: string;
  user_id: string;
  direction: 'in' | 'out';
  type: string;
  text: string;
  at: number | string;
  intent: string | null;
  confidence: number | null;
  status: string | null;
  entry_id: string | null;
  dialog: string | null;
  error: string | null;
  activity: string;
  feedback: string | null;
  kind: string | null;
  entities: string | null;
  dialog_started: string | null;
  prompt: string | null;
}

export type MessageRow = Pick<
  ActivityRow,
  | 'seq'
  | 'conversation_id'
  | 'channel_id'
  | 'text'
  | 'at'
  | 'feedback'
  | 'dialog_started'
  | 'prompt'
  | 'intent'
  | 'confidence'
  | 'status'
> & { kind: string };

/** Statuses of an answer that did not answer: « je n'ai pas compris », « Vouliez-vous dire », « la fiche ne précise pas ». */
export const UNANSWERED = "('fallback', 'ambiguous', 'not_covered')";

/**
 * Learner messages of `table` with their reading (matching `condition` on q): the bot's own, recorded
 * after the turn; for rows recorded before readings existed, the first reply's understanding (every
 * such message then counts as a question). Two parts, so that current rows need no join.
 */
export function learnerMessagesWhere(table: string, condition: string): string {
  const columns = 'q.seq, q.conversation_id, q.channel_id, q.text, q.at, q.feedback, q.dialog_started, q.prompt';
  return `SELECT ${columns}, q.kind, q.intent, q.confidence, q.status FROM ${table} q
      WHERE q.direction = 'in' AND q.type = 'message' AND q.kind IS NOT NULL AND ${condition}
    UNION ALL
    SELECT ${columns}, 'question' AS kind, a.intent, a.confidence, a.status FROM ${table} q
      LEFT JOIN ${table} a ON a.seq = (
        SELECT MIN(seq) FROM ${table} WHERE conversation_id = q.conversation_id AND seq > q.seq AND direction = 'out' AND type = 'message')
      WHERE q.direction = 'in' AND q.type = 'message' AND q.kind IS NULL AND ${condition}`;
}

export function toMessage(r: MessageRow): LearnerMessage {
  return {
    seq: Number(r.seq),
    conversationId: r.conversation_id,
    channelId: r.channel_id,
    text: r.text,
    at: new Date(Number(r.at)),
    kind: r.kind,
    ...(r.intent !== null ? { intent: r.intent } : {}),
    ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    ...(r.status !== null ? { status: r.status } : {}),
    ...(r.dialog_started !== null ? { dialogStarted: r.dialog_started } : {}),
    ...(r.prompt !== null ? { prompt: r.prompt } : {}),
    ...(r.feedback === 'up' || r.feedback === 'down' ? { feedback: r.feedback } : {}),
  };
}

export function toEntry(r: ActivityRow): TranscriptEntry {
  return {
    seq: Number(r.seq),
    conversationId: r.conversation_id,
    channelId: r.channel_id,
    userId: r.user_id,
    direction: r.direction,
    type: r.type,
    text: r.text,
    at: new Date(Number(r.at)),
    ...(r.intent !== null ? { intent: r.intent } : {}),
    ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    ...(r.status !== null ? { status: r.status } : {}),
    ...(r.entry_id !== null ? { entryId: r.entry_id } : {}),
    ...(r.dialog !== null ? { dialog: r.dialog } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
    ...(r.feedback === 'up' || r.feedback === 'down' ? { feedback: r.feedback } : {}),
    ...(r.kind !== null ? { kind: r.kind } : {}),
    ...(r.entities !== null ? { entities: JSON.parse(r.entities) as Record<string, string> } : {}),
    ...(r.dialog_started !== null ? { dialogStarted: r.dialog_started } : {}),
    ...(r.prompt !== null ? { prompt: r.prompt } : {}),
    activity: JSON.parse(r.activity) as Record<string, unknown>,
  };
}
