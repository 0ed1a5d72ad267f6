import type Database from 'better-sqlite3';
import { openSqlite } from '../storage/sqlite.ts';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activities (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  intent TEXT, confidence REAL, status TEXT, entry_id TEXT, dialog TEXT, error TEXT,
  activity TEXT NOT NULL,
  feedback TEXT
);
CREATE INDEX IF NOT EXISTS activities_conversation ON activities (conversation_id, seq);
CREATE INDEX IF NOT EXISTS activities_user ON activities (user_id);
CREATE INDEX IF NOT EXISTS activities_at ON activities (at);
CREATE TABLE IF NOT EXISTS reviews (
  conversation_id TEXT PRIMARY KEY,
  reviewed INTEGER NOT NULL,
  note TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
  text TEXT PRIMARY KEY,
  intent TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

/** Columns added since the first schema: databases created before get them at open. */
const ADDED_COLUMNS: [table: string, column: string, type: string][] = [
  ['activities', 'feedback', 'TEXT'],
  ['activities', 'kind', 'TEXT'],
  ['activities', 'entities', 'TEXT'],
  ['activities', 'dialog_started', 'TEXT'],
  ['activities', 'prompt', 'TEXT'],
  ['assignments', 'conversation_id', 'TEXT'],
  ['assignments', 'seq', 'INTEGER'],
];

/**
 * Transcripts in one SQLite file (WAL mode): embedded, nothing to install, one per instance. Its calls
 * run synchronously and answer settled promises (the TranscriptStore contract PostgreSQL shares).
 */
export class SqliteTranscriptStore implements TranscriptStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly reading: Database.Statement;
  private readonly recordInOne: (
    entries: TranscriptEntry[],
    reading?: { seq: number; reading: EntryReading },
  ) => number[];

  constructor(file: string) {
    this.db = openSqlite(file, SCHEMA);
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = (this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      if (!columns.includes(column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    this.insert = this.db.prepare(`INSERT INTO activities
      (conversation_id, channel_id, user_id, direction, type, text, at, intent, confidence, status, entry_id, dialog, error, activity, feedback, kind, entities, dialog_started, prompt)
      VALUES (@conversationId, @channelId, @userId, @direction, @type, @text, @at, @intent, @confidence, @status, @entryId, @dialog, @error, @activity, @feedback, @kind, @entities, @dialogStarted, @prompt)`);
    this.reading = this.db.prepare(
      `UPDATE activities SET kind = ?, intent = ?, confidence = ?, status = ?, entities = ?, dialog_started = ?, prompt = ?,
      feedback = COALESCE(?, feedback) WHERE seq = ? AND direction = 'in'`,
    );
    // One transaction: how a stored message was read (a turn's reading goes with its replies), then the entries.
    this.recordInOne = this.db.transaction(
      (entries: TranscriptEntry[], reading?: { seq: number; reading: EntryReading }): number[] => {
        if (reading) this.setReading(reading.seq, reading.reading);
        return entries.map((e) =>
          Number(
            this.insert.run({
              conversationId: e.conversationId,
              channelId: e.channelId,
              userId: e.userId,
              direction: e.direction,
              type: e.type,
              text: e.text,
              at: e.at.getTime(),
              intent: e.intent ?? null,
              confidence: e.confidence ?? null,
              status: e.status ?? null,
              entryId: e.entryId ?? null,
              dialog: e.dialog ?? null,
              error: e.error ?? null,
              feedback: e.feedback ?? null,
              kind: e.kind ?? null,
              entities: e.entities ? JSON.stringify(e.entities) : null,
              dialogStarted: e.dialogStarted ?? null,
              prompt: e.prompt ?? null,
              activity: JSON.stringify(e.activity),
            }).lastInsertRowid,
          ),
        );
      },
    );
  }

  async record(entries: TranscriptEntry[], reading?: { seq: number; reading: EntryReading }): Promise<number[]> {
    return this.recordInOne(entries, reading);
  }

  async annotate(seq: number, r: EntryReading): Promise<void> {
    this.setReading(seq, r);
  }

  private setReading(seq: number, r: EntryReading): void {
    this.reading.run(
      r.kind,
      r.intent ?? null,
      r.confidence ?? null,
      r.status ?? null,
      r.entities ? JSON.stringify(r.entities) : null,
      r.dialogStarted ?? null,
      r.prompt ?? null,
      r.feedback ?? null,
      seq,
    );
  }

  /** The grouped query behind the list, with the filter's conditions and parameters. */
  private filtered(filter: ConversationFilter): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const having: string[] = [];
    const params: unknown[] = [];
    const havingParams: unknown[] = [];
    if (filter.channel) {
      where.push('channel_id = ?');
      params.push(filter.channel);
    }
    if (filter.from) {
      having.push('MAX(at) >= ?');
      havingParams.push(filter.from.getTime());
    }
    if (filter.to) {
      having.push('MIN(at) <= ?');
      havingParams.push(filter.to.getTime());
    }
    if (filter.unansweredOnly) having.push('unanswered > 0');
    if (filter.negativeFeedbackOnly) having.push('negative > 0');
    if (filter.intent) {
      having.push('SUM(intent = ?) > 0');
      havingParams.push(filter.intent);
    }
    if (filter.text) {
      having.push("SUM(text LIKE ? ESCAPE '\\') > 0");
      havingParams.push(`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (filter.reviewed !== undefined)
      having.push(
        `${filter.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = activities.conversation_id AND r.reviewed = 1)`,
      );
    // A learner message is unanswered by its own reading; older rows (no reading) by the bot's answers.
    const sql = `SELECT conversation_id, channel_id, user_id, MIN(at) AS started, MAX(at) AS last,
        SUM(direction = 'in' AND type = 'message' AND COALESCE(kind, 'question') = 'question') AS questions,
        CASE WHEN SUM(kind IS NOT NULL) > 0 THEN SUM(direction = 'in' AND kind = 'question' AND status IN ${UNANSWERED})
             ELSE SUM(direction = 'out' AND status IN ${UNANSWERED}) END AS unanswered,
        SUM(feedback = 'down') AS negative,
        EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = activities.conversation_id AND r.reviewed = 1) AS reviewed
      FROM activities ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY conversation_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}`;
    return { sql, params: [...params, ...havingParams] };
  }

  async conversations(filter: ConversationFilter = {}): Promise<ConversationSummary[]> {
    const { sql, params } = this.filtered(filter);
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT text FROM activities p WHERE p.conversation_id = c.conversation_id AND p.direction = 'in' AND p.type = 'message' AND p.text <> ''
          ORDER BY COALESCE(p.kind, 'question') <> 'question', p.seq LIMIT 1) AS preview
        FROM (${sql}) c ORDER BY last DESC, conversation_id LIMIT ? OFFSET ?`,
      )
      .all(...params, filter.limit ?? -1, filter.offset ?? 0) as {
      conversation_id: string;
      channel_id: string;
      user_id: string;
      started: number;
      last: number;
      questions: number;
      unanswered: number;
      negative: number;
      reviewed: number;
      preview: string | null;
    }[];
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      channelId: r.channel_id,
      userId: r.user_id,
      startedAt: new Date(r.started),
      lastAt: new Date(r.last),
      preview: r.preview ?? '',
      questions: r.questions ?? 0,
      unanswered: r.unanswered ?? 0,
      negativeFeedback: r.negative ?? 0,
      reviewed: r.reviewed === 1,
    }));
  }

  async countConversations(filter: ConversationFilter = {}): Promise<number> {
    return (await this.totals(filter)).conversations;
  }

  async totals(filter: ConversationFilter = {}): Promise<ListTotals> {
    const { sql, params } = this.filtered({ ...filter, limit: undefined, offset: undefined });
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n, SUM(questions) AS q, SUM(unanswered) AS u, SUM(negative) AS d, SUM(reviewed) AS r FROM (${sql})`,
      )
      .get(...params) as { n: number; q: number | null; u: number | null; d: number | null; r: number | null };
    return {
      conversations: r.n,
      questions: r.q ?? 0,
      unanswered: r.u ?? 0,
      negativeFeedback: r.d ?? 0,
      reviewed: r.r ?? 0,
    };
  }

  async channels(): Promise<string[]> {
    return (
      this.db.prepare('SELECT DISTINCT channel_id FROM activities ORDER BY channel_id').all() as {
        channel_id: string;
      }[]
    ).map((r) => r.channel_id);
  }

  async learnerMessages(window: Window): Promise<LearnerMessage[]> {
    const [from, to] = [window.from.getTime(), window.to.getTime()];
    return (
      this.db
        .prepare(`${learnerMessagesWhere('activities', 'q.at >= ? AND q.at <= ?')} ORDER BY seq`)
        .all(from, to, from, to) as MessageRow[]
    ).map(toMessage);
  }

  async learnerMessage(seq: number): Promise<LearnerMessage | undefined> {
    const r = this.db.prepare(learnerMessagesWhere('activities', 'q.seq = ?')).get(seq, seq) as MessageRow | undefined;
    return r ? toMessage(r) : undefined;
  }

  async activities(conversationId: string): Promise<TranscriptEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM activities WHERE conversation_id = ? ORDER BY seq')
      .all(conversationId) as ActivityRow[];
    return rows.map(toEntry);
  }

  async correct(c: Omit<Correction, 'at'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO assignments (text, intent, by, at, conversation_id, seq) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(text) DO UPDATE SET intent = excluded.intent, by = excluded.by, at = excluded.at, conversation_id = excluded.conversation_id, seq = excluded.seq`,
      )
      .run(c.text, c.intent, c.by, Date.now(), c.conversationId ?? null, c.seq ?? null);
  }

  async corrections(): Promise<Correction[]> {
    return (
      this.db
        .prepare('SELECT text, intent, by, at, conversation_id, seq FROM assignments ORDER BY intent, text')
        .all() as {
        text: string;
        intent: string;
        by: string;
        at: number;
        conversation_id: string | null;
        seq: number | null;
      }[]
    ).map((r) => ({
      text: r.text,
      intent: r.intent,
      by: r.by,
      at: new Date(r.at),
      ...(r.conversation_id ? { conversationId: r.conversation_id } : {}),
      ...(r.seq !== null ? { seq: r.seq } : {}),
    }));
  }

  async review(conversationId: string, reviewed: boolean, note: string, by: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO reviews (conversation_id, reviewed, note, by, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET reviewed = excluded.reviewed, note = excluded.note, by = excluded.by, at = excluded.at`,
      )
      .run(conversationId, reviewed ? 1 : 0, note, by, Date.now());
  }

  async reviewOf(conversationId: string): Promise<Review | undefined> {
    const r = this.db
      .prepare('SELECT reviewed, note, by, at FROM reviews WHERE conversation_id = ?')
      .get(conversationId) as { reviewed: number; note: string; by: string; at: number } | undefined;
    return r ? { reviewed: r.reviewed === 1, note: r.note, by: r.by, at: new Date(r.at) } : undefined;
  }

  async purgeBefore(before: Date): Promise<number> {
    const result = this.db
      .prepare(
        `DELETE FROM activities WHERE conversation_id IN (
      SELECT conversation_id FROM activities GROUP BY conversation_id HAVING MAX(at) < ?)`,
      )
      .run(before.getTime());
    this.dropOrphans();
    return result.changes;
  }

  async eraseUser(userId: string): Promise<number> {
    const changes = this.db.prepare('DELETE FROM activities WHERE user_id = ?').run(userId).changes;
    this.dropOrphans();
    return changes;
  }

  /**
   * What staff derived from learners' messages goes with them: reviews of conversations no longer
   * kept, and intents assigned to a message no learner's kept activity still holds (erasure, retention).
   */
  private dropOrphans(): void {
    this.db
      .prepare('DELETE FROM reviews WHERE conversation_id NOT IN (SELECT DISTINCT conversation_id FROM activities)')
      .run();
    this.db
      .prepare("DELETE FROM assignments WHERE text NOT IN (SELECT text FROM activities WHERE direction = 'in')")
      .run();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
