import type pg from 'pg';
import { inTransaction } from '../storage/postgres.ts';
import type {
  ConversationFilter,
  ConversationSummary,
  Correction,
  EntryReading,
  LearnerMessage,
  ListTotals,
  Review,
  TranscriptEntry,
  TranscriptStore,
  Window,
} from './store.ts';
import { learnerMessagesWhere, toEntry, toMessage, UNANSWERED, type ActivityRow, type MessageRow } from './rows.ts';

/**
 * PostgreSQL's text refuses NUL, which a learner can type (the SQLite store keeps it): in the columns
 * it becomes U+FFFD. The stored activity, JSON, keeps it escaped (« \u0000 »), as it was sent.
 */
function text(s: string): string;
function text(s: string | null | undefined): string | null;
function text(s: string | null | undefined): string | null {
  return s === undefined || s === null ? null : s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

/** The list's per-conversation figures, as aggregates (usable in SELECT and HAVING alike). */
const QUESTIONS =
  "count(*) FILTER (WHERE direction = 'in' AND type = 'message' AND COALESCE(kind, 'question') = 'question')";
// A learner message is unanswered by its own reading; older rows (no reading) by the bot's answers.
const UNANSWERED_COUNT = `CASE WHEN count(kind) > 0 THEN count(*) FILTER (WHERE direction = 'in' AND kind = 'question' AND status IN ${UNANSWERED})
  ELSE count(*) FILTER (WHERE direction = 'out' AND status IN ${UNANSWERED}) END`;
const NEGATIVE = "count(*) FILTER (WHERE feedback = 'down')";
const REVIEWED =
  'EXISTS (SELECT 1 FROM transcript_reviews r WHERE r.conversation_id = a.conversation_id AND r.reviewed)';

/** Columns of an activity row, in the order of INSERT's values. */
const COLUMNS = [
  'conversation_id',
  'channel_id',
  'user_id',
  'direction',
  'type',
  'text',
  'at',
  'intent',
  'confidence',
  'status',
  'entry_id',
  'dialog',
  'error',
  'activity',
  'feedback',
  'kind',
  'entities',
  'dialog_started',
  'prompt',
] as const;
/** Rows per INSERT: a journal written back may hold thousands, PostgreSQL takes 65 535 parameters at most. */
const ROWS_PER_INSERT = 500;

function values(e: TranscriptEntry): unknown[] {
  return [
    text(e.conversationId),
    text(e.channelId),
    text(e.userId),
    e.direction,
    text(e.type),
    text(e.text),
    e.at.getTime(),
    text(e.intent),
    e.confidence ?? null,
    text(e.status),
    text(e.entryId),
    text(e.dialog),
    text(e.error),
    JSON.stringify(e.activity),
    e.feedback ?? null,
    text(e.kind),
    e.entities ? JSON.stringify(e.entities) : null,
    text(e.dialogStarted),
    text(e.prompt),
  ];
}

/** How a stored learner message was read (known once its turn is over). */
const SET_READING = `UPDATE transcript_activities SET kind = $1, intent = $2, confidence = $3, status = $4, entities = $5, dialog_started = $6, prompt = $7,
      feedback = COALESCE($8, feedback) WHERE seq = $9 AND direction = 'in'`;

function readingParams(seq: number, r: EntryReading): unknown[] {
  return [
    text(r.kind),
    text(r.intent),
    r.confidence ?? null,
    text(r.status),
    r.entities ? JSON.stringify(r.entities) : null,
    text(r.dialogStarted),
    text(r.prompt),
    r.feedback ?? null,
    seq,
  ];
}

/**
 * Transcripts in PostgreSQL (tables transcript_*, migration 4), shared by every instance on the same
 * DATABASE_URL: the console of any instance lists what all of them recorded. The same behaviour as
 * SqliteTranscriptStore, query for query (test/transcripts-store.test.ts runs both). Times are epoch
 * milliseconds, ids and orderings as in SQLite (binary collation, not the database's locale).
 */
export class PostgresTranscriptStore implements TranscriptStore {
  /** `ownsPool`: close() ends the pool (the CLI); the server's pool is shared with the other stores. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly o: { ownsPool?: boolean } = {},
  ) {}

  async record(entries: TranscriptEntry[], reading?: { seq: number; reading: EntryReading }): Promise<number[]> {
    if (entries.length === 0 && !reading) return [];
    return inTransaction(this.pool, async (client) => {
      if (reading) await client.query(SET_READING, readingParams(reading.seq, reading.reading));
      const seqs: number[] = [];
      for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
        const chunk = entries.slice(i, i + ROWS_PER_INSERT);
        const params = chunk.flatMap(values);
        const rows = chunk.map((_, r) => `(${COLUMNS.map((_c, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`);
        const { rows: inserted } = await client.query<{ seq: string }>(
          `INSERT INTO transcript_activities (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} RETURNING seq`,
          params,
        );
        // Rows take their numbers in the order of VALUES; sorted, they are the entries' in order.
        seqs.push(...inserted.map((r) => Number(r.seq)).sort((a, b) => a - b));
      }
      return seqs;
    });
  }

  async annotate(seq: number, r: EntryReading): Promise<void> {
    await this.pool.query(SET_READING, readingParams(seq, r));
  }

  /** The grouped query behind the list, with the filter's conditions; parameters numbered from 1. */
  private filtered(filter: ConversationFilter): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const having: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (filter.channel) where.push(`channel_id = ${param(filter.channel)}`);
    if (filter.from) having.push(`MAX(at) >= ${param(filter.from.getTime())}`);
    if (filter.to) having.push(`MIN(at) <= ${param(filter.to.getTime())}`);
    if (filter.unansweredOnly) having.push(`${UNANSWERED_COUNT} > 0`);
    if (filter.negativeFeedbackOnly) having.push(`${NEGATIVE} > 0`);
    if (filter.intent) having.push(`bool_or(intent = ${param(filter.intent)})`);
    // SQLite's LIKE ignores the case of ASCII letters; ILIKE does too (and of other letters, by locale).
    if (filter.text)
      having.push(
        `bool_or(text ILIKE ${param(`%${text(filter.text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\')`,
      );
    if (filter.reviewed !== undefined) having.push(`${filter.reviewed ? '' : 'NOT '}${REVIEWED}`);
    const sql = `SELECT conversation_id, (array_agg(channel_id ORDER BY seq))[1] AS channel_id, (array_agg(user_id ORDER BY seq))[1] AS user_id, MIN(at) AS started, MAX(at) AS last,
        ${QUESTIONS} AS questions, ${UNANSWERED_COUNT} AS unanswered, ${NEGATIVE} AS negative, ${REVIEWED} AS reviewed
      FROM transcript_activities a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY conversation_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}`;
    return { sql, params };
  }

  async conversations(filter: ConversationFilter = {}): Promise<ConversationSummary[]> {
    const { sql, params } = this.filtered(filter);
    const limit = `$${params.length + 1}`;
    const offset = `$${params.length + 2}`;
    const { rows } = await this.pool.query<{
      conversation_id: string;
      channel_id: string;
      user_id: string;
      started: string;
      last: string;
      questions: string;
      unanswered: string;
      negative: string;
      reviewed: boolean;
      preview: string | null;
    }>(
      `SELECT c.*, (SELECT text FROM transcript_activities p WHERE p.conversation_id = c.conversation_id AND p.direction = 'in' AND p.type = 'message' AND p.text <> ''
          ORDER BY COALESCE(p.kind, 'question') <> 'question', p.seq LIMIT 1) AS preview
        FROM (${sql}) c ORDER BY last DESC, conversation_id COLLATE "C" LIMIT ${limit} OFFSET ${offset}`,
      [...params, filter.limit ?? null, filter.offset ?? 0],
    );
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      channelId: r.channel_id,
      userId: r.user_id,
      startedAt: new Date(Number(r.started)),
      lastAt: new Date(Number(r.last)),
      preview: r.preview ?? '',
      questions: Number(r.questions),
      unanswered: Number(r.unanswered),
      negativeFeedback: Number(r.negative),
      reviewed: r.reviewed,
    }));
  }

  async countConversations(filter: ConversationFilter = {}): Promise<number> {
    return (await this.totals(filter)).conversations;
  }

  async totals(filter: ConversationFilter = {}): Promise<ListTotals> {
    const { sql, params } = this.filtered({ ...filter, limit: undefined, offset: undefined });
    const r = (
      await this.pool.query<{ n: string; q: string | null; u: string | null; d: string | null; r: string }>(
        `SELECT count(*) AS n, SUM(questions) AS q, SUM(unanswered) AS u, SUM(negative) AS d, count(*) FILTER (WHERE reviewed) AS r FROM (${sql}) t`,
        params,
      )
    ).rows[0]!;
    return {
      conversations: Number(r.n),
      questions: Number(r.q ?? 0),
      unanswered: Number(r.u ?? 0),
      negativeFeedback: Number(r.d ?? 0),
      reviewed: Number(r.r),
    };
  }

  async channels(): Promise<string[]> {
    const { rows } = await this.pool.query<{ channel_id: string }>(
      'SELECT channel_id FROM transcript_activities GROUP BY channel_id ORDER BY channel_id COLLATE "C"',
    );
    return rows.map((r) => r.channel_id);
  }

  async learnerMessages(window: Window): Promise<LearnerMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `${learnerMessagesWhere('transcript_activities', 'q.at >= $1 AND q.at <= $2')} ORDER BY seq`,
      [window.from.getTime(), window.to.getTime()],
    );
    return rows.map(toMessage);
  }

  async learnerMessage(seq: number): Promise<LearnerMessage | undefined> {
    const r = (await this.pool.query<MessageRow>(learnerMessagesWhere('transcript_activities', 'q.seq = $1'), [seq]))
      .rows[0];
    return r ? toMessage(r) : undefined;
  }

  async activities(conversationId: string): Promise<TranscriptEntry[]> {
    const { rows } = await this.pool.query<ActivityRow>(
      'SELECT * FROM transcript_activities WHERE conversation_id = $1 ORDER BY seq',
      [text(conversationId)],
    );
    return rows.map(toEntry);
  }

  async correct(c: Omit<Correction, 'at'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO transcript_assignments (text, intent, by, at, conversation_id, seq) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (text) DO UPDATE SET intent = excluded.intent, by = excluded.by, at = excluded.at, conversation_id = excluded.conversation_id, seq = excluded.seq`,
      [text(c.text), c.intent, c.by, Date.now(), text(c.conversationId), c.seq ?? null],
    );
  }

  async corrections(): Promise<Correction[]> {
    const { rows } = await this.pool.query<{
      text: string;
      intent: string;
      by: string;
      at: string;
      conversation_id: string | null;
      seq: string | null;
    }>(
      'SELECT text, intent, by, at, conversation_id, seq FROM transcript_assignments ORDER BY intent COLLATE "C", text COLLATE "C"',
    );
    return rows.map((r) => ({
      text: r.text,
      intent: r.intent,
      by: r.by,
      at: new Date(Number(r.at)),
      ...(r.conversation_id ? { conversationId: r.conversation_id } : {}),
      ...(r.seq !== null ? { seq: Number(r.seq) } : {}),
    }));
  }

  async review(conversationId: string, reviewed: boolean, note: string, by: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO transcript_reviews (conversation_id, reviewed, note, by, at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (conversation_id) DO UPDATE SET reviewed = excluded.reviewed, note = excluded.note, by = excluded.by, at = excluded.at`,
      [text(conversationId), reviewed, text(note), by, Date.now()],
    );
  }

  async reviewOf(conversationId: string): Promise<Review | undefined> {
    const r = (
      await this.pool.query<{ reviewed: boolean; note: string; by: string; at: string }>(
        'SELECT reviewed, note, by, at FROM transcript_reviews WHERE conversation_id = $1',
        [text(conversationId)],
      )
    ).rows[0];
    return r ? { reviewed: r.reviewed, note: r.note, by: r.by, at: new Date(Number(r.at)) } : undefined;
  }

  async purgeBefore(before: Date): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const result = await client.query(
        `DELETE FROM transcript_activities WHERE conversation_id IN (
        SELECT conversation_id FROM transcript_activities GROUP BY conversation_id HAVING MAX(at) < $1)`,
        [before.getTime()],
      );
      await dropOrphans(client);
      return result.rowCount ?? 0;
    });
  }

  async eraseUser(userId: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const result = await client.query('DELETE FROM transcript_activities WHERE user_id = $1', [text(userId)]);
      await dropOrphans(client);
      return result.rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    if (this.o.ownsPool) await this.pool.end();
  }
}

/**
 * What staff derived from learners' messages goes with them (as in SQLite): reviews of conversations
 * no longer kept, intents assigned to a message no kept activity still holds.
 */
async function dropOrphans(client: pg.PoolClient): Promise<void> {
  await client.query(
    'DELETE FROM transcript_reviews r WHERE NOT EXISTS (SELECT 1 FROM transcript_activities a WHERE a.conversation_id = r.conversation_id)',
  );
  await client.query(
    "DELETE FROM transcript_assignments s WHERE NOT EXISTS (SELECT 1 FROM transcript_activities a WHERE a.text = s.text AND a.direction = 'in')",
  );
}
