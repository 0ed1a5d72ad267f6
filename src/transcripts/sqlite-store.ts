import type Database from 'better-sqlite3';
import { openSqlite } from '../storage/sqlite.ts';
import type { ConversationFilter, ConversationSummary, Statistics, TranscriptEntry, TranscriptStore, UnansweredQuestion } from './store.ts';

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

interface Row {
  conversation_id: string; channel_id: string; user_id: string; direction: 'in' | 'out'; type: string; text: string; at: number;
  intent: string | null; confidence: number | null; status: string | null; entry_id: string | null; dialog: string | null; error: string | null; activity: string;
  feedback: string | null;
}

/** Transcripts in one SQLite file (WAL mode): embedded, nothing to install. */
export class SqliteTranscriptStore implements TranscriptStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(file: string) {
    this.db = openSqlite(file, SCHEMA);
    // Databases created before feedback existed get the column.
    const columns = (this.db.prepare('PRAGMA table_info(activities)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('feedback')) this.db.exec('ALTER TABLE activities ADD COLUMN feedback TEXT');
    this.insert = this.db.prepare(`INSERT INTO activities
      (conversation_id, channel_id, user_id, direction, type, text, at, intent, confidence, status, entry_id, dialog, error, activity, feedback)
      VALUES (@conversationId, @channelId, @userId, @direction, @type, @text, @at, @intent, @confidence, @status, @entryId, @dialog, @error, @activity, @feedback)`);
  }

  record(entries: TranscriptEntry[]): void {
    const write = this.db.transaction((list: TranscriptEntry[]) => {
      for (const e of list) {
        this.insert.run({
          ...e,
          at: e.at.getTime(),
          intent: e.intent ?? null,
          confidence: e.confidence ?? null,
          status: e.status ?? null,
          entryId: e.entryId ?? null,
          dialog: e.dialog ?? null,
          error: e.error ?? null,
          feedback: e.feedback ?? null,
          activity: JSON.stringify(e.activity),
        });
      }
    });
    write(entries);
  }

  /** The grouped query behind the list, with the filter's conditions and parameters. */
  private filtered(filter: ConversationFilter): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const having: string[] = [];
    const params: unknown[] = [];
    const havingParams: unknown[] = [];
    if (filter.channel) { where.push('channel_id = ?'); params.push(filter.channel); }
    if (filter.from) { having.push('MAX(at) >= ?'); havingParams.push(filter.from.getTime()); }
    if (filter.to) { having.push('MIN(at) <= ?'); havingParams.push(filter.to.getTime()); }
    if (filter.unansweredOnly) having.push("SUM(direction = 'out' AND status IN ('fallback', 'ambiguous', 'not_covered')) > 0");
    if (filter.negativeFeedbackOnly) having.push("SUM(feedback = 'down') > 0");
    if (filter.intent) { having.push('SUM(intent = ?) > 0'); havingParams.push(filter.intent); }
    if (filter.text) {
      having.push("SUM(text LIKE ? ESCAPE '\\') > 0");
      havingParams.push(`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const sql = `SELECT conversation_id, channel_id, user_id, MIN(at) AS started, MAX(at) AS last,
        SUM(direction = 'in' AND type = 'message') AS turns,
        SUM(direction = 'out' AND status IN ('fallback', 'ambiguous', 'not_covered')) AS unanswered,
        SUM(feedback = 'down') AS negative
      FROM activities ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY conversation_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}`;
    return { sql, params: [...params, ...havingParams] };
  }

  conversations(filter: ConversationFilter = {}): ConversationSummary[] {
    const { sql, params } = this.filtered(filter);
    const rows = this.db.prepare(`${sql} ORDER BY last DESC LIMIT ? OFFSET ?`).all(...params, filter.limit ?? -1, filter.offset ?? 0) as {
      conversation_id: string; channel_id: string; user_id: string; started: number; last: number; turns: number; unanswered: number; negative: number;
    }[];
    return rows.map((r) => ({
      conversationId: r.conversation_id, channelId: r.channel_id, userId: r.user_id,
      startedAt: new Date(r.started), lastAt: new Date(r.last), turns: r.turns, unanswered: r.unanswered, negativeFeedback: r.negative,
    }));
  }

  countConversations(filter: ConversationFilter = {}): number {
    const { sql, params } = this.filtered({ ...filter, limit: undefined, offset: undefined });
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get(...params) as { n: number }).n;
  }

  statistics(since: Date): Statistics {
    const t = since.getTime();
    const perDay = this.db.prepare(`SELECT date(at / 1000, 'unixepoch') AS day,
        SUM(direction = 'in' AND type = 'message') AS questions,
        SUM(direction = 'out' AND status = 'fallback') AS fallbacks
      FROM activities WHERE at >= ? GROUP BY day ORDER BY day`).all(t) as { day: string; questions: number; fallbacks: number }[];
    const perIntent = this.db.prepare(`SELECT intent, COUNT(*) AS answers FROM activities
      WHERE at >= ? AND direction = 'out' AND intent IS NOT NULL AND status = 'answered' GROUP BY intent ORDER BY answers DESC`).all(t) as { intent: string; answers: number }[];
    const totals = this.db.prepare(`SELECT SUM(direction = 'out' AND status = 'answered') AS answered,
        SUM(direction = 'out' AND status IN ('fallback', 'ambiguous', 'not_covered')) AS unanswered,
        SUM(feedback = 'up') AS up, SUM(feedback = 'down') AS down
      FROM activities WHERE at >= ?`).get(t) as { answered: number | null; unanswered: number | null; up: number | null; down: number | null };
    return { questionsPerDay: perDay, perIntent, answered: totals.answered ?? 0, unanswered: totals.unanswered ?? 0, feedbackUp: totals.up ?? 0, feedbackDown: totals.down ?? 0 };
  }

  activities(conversationId: string): TranscriptEntry[] {
    const rows = this.db.prepare('SELECT * FROM activities WHERE conversation_id = ? ORDER BY seq').all(conversationId) as Row[];
    return rows.map((r) => ({
      conversationId: r.conversation_id, channelId: r.channel_id, userId: r.user_id, direction: r.direction, type: r.type, text: r.text,
      at: new Date(r.at),
      ...(r.intent !== null ? { intent: r.intent } : {}),
      ...(r.confidence !== null ? { confidence: r.confidence } : {}),
      ...(r.status !== null ? { status: r.status } : {}),
      ...(r.entry_id !== null ? { entryId: r.entry_id } : {}),
      ...(r.dialog !== null ? { dialog: r.dialog } : {}),
      ...(r.error !== null ? { error: r.error } : {}),
      ...(r.feedback === 'up' || r.feedback === 'down' ? { feedback: r.feedback } : {}),
      activity: JSON.parse(r.activity) as Record<string, unknown>,
    }));
  }

  unanswered(minConfidence: number): UnansweredQuestion[] {
    // Each question with the first message the assistant sent after it in its conversation.
    const rows = this.db.prepare(`SELECT q.conversation_id, q.text, q.at, a.status, a.intent, a.confidence
      FROM activities q
      JOIN activities a ON a.seq = (
        SELECT MIN(seq) FROM activities WHERE conversation_id = q.conversation_id AND seq > q.seq AND direction = 'out' AND type = 'message')
      WHERE q.direction = 'in' AND q.type = 'message' AND q.text <> ''
        AND (a.status IN ('fallback', 'ambiguous', 'not_covered') OR (a.confidence IS NOT NULL AND a.confidence < ?))
      ORDER BY q.at DESC`).all(minConfidence) as { conversation_id: string; text: string; at: number; status: string | null; intent: string | null; confidence: number | null }[];
    return rows.map((r) => ({
      conversationId: r.conversation_id, text: r.text, at: new Date(r.at), status: r.status ?? 'low_confidence',
      ...(r.intent !== null ? { intent: r.intent } : {}), ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    }));
  }

  assign(text: string, intent: string, by: string): void {
    this.db.prepare('INSERT INTO assignments (text, intent, by, at) VALUES (?, ?, ?, ?) ON CONFLICT(text) DO UPDATE SET intent = excluded.intent, by = excluded.by, at = excluded.at')
      .run(text, intent, by, Date.now());
  }

  assignments(): { text: string; intent: string; by: string; at: Date }[] {
    return (this.db.prepare('SELECT text, intent, by, at FROM assignments ORDER BY intent, text').all() as { text: string; intent: string; by: string; at: number }[])
      .map((r) => ({ ...r, at: new Date(r.at) }));
  }

  review(conversationId: string, reviewed: boolean, note: string, by: string): void {
    this.db.prepare(`INSERT INTO reviews (conversation_id, reviewed, note, by, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET reviewed = excluded.reviewed, note = excluded.note, by = excluded.by, at = excluded.at`)
      .run(conversationId, reviewed ? 1 : 0, note, by, Date.now());
  }

  reviewOf(conversationId: string): { reviewed: boolean; note: string; by: string; at: Date } | undefined {
    const r = this.db.prepare('SELECT reviewed, note, by, at FROM reviews WHERE conversation_id = ?').get(conversationId) as { reviewed: number; note: string; by: string; at: number } | undefined;
    return r ? { reviewed: r.reviewed === 1, note: r.note, by: r.by, at: new Date(r.at) } : undefined;
  }

  purgeBefore(before: Date): number {
    const result = this.db.prepare(`DELETE FROM activities WHERE conversation_id IN (
      SELECT conversation_id FROM activities GROUP BY conversation_id HAVING MAX(at) < ?)`).run(before.getTime());
    this.dropOrphans();
    return result.changes;
  }

  eraseUser(userId: string): number {
    const changes = this.db.prepare('DELETE FROM activities WHERE user_id = ?').run(userId).changes;
    this.dropOrphans();
    return changes;
  }

  /**
   * What staff derived from learners' messages goes with them: reviews of conversations no longer
   * kept, and intents assigned to a message no learner's kept activity still holds (erasure, retention).
   */
  private dropOrphans(): void {
    this.db.prepare('DELETE FROM reviews WHERE conversation_id NOT IN (SELECT DISTINCT conversation_id FROM activities)').run();
    this.db.prepare("DELETE FROM assignments WHERE text NOT IN (SELECT text FROM activities WHERE direction = 'in')").run();
  }

  close(): void {
    this.db.close();
  }
}
