import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Storage, StoreItem, StoreItems } from 'botbuilder-core';
import { NOT_STORED_ETAG, StateConflictError, WRITTEN_ETAG_ASSIGNED } from '../../dialogs/learner-state.ts';
import { openSqlite } from './sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bot_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  etag TEXT NOT NULL,
  touched_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bot_state_touched ON bot_state (touched_at);
`;

// Defined with the state that saves with eTags (the bot tells a conflict from a store that failed).
export { StateConflictError, isStateConflict } from '../../dialogs/learner-state.ts';

export interface SqliteStateStorageOptions {
  /** State not written for this long is gone: read as absent, then purged. */
  ttlMs: number;
  clock?: () => Date;
}

/**
 * botbuilder's `Storage` (dialog stacks, what a conversation remembers) in SQLite, so a learner keeps
 * their place in a dialog across a restart or a crash.
 *
 * eTags, as botbuilder's MemoryStorage and Cosmos DB storage have them: every write gives the item a new
 * eTag; a write carrying `*` or no eTag overwrites; a write carrying an eTag succeeds only if the item
 * still has it, otherwise it throws StateConflictError and changes nothing (the whole batch is one
 * transaction). An item never stored has the eTag NOT_STORED_ETAG, so « create it if nobody has yet »
 * is a conditional write too. Once the batch is committed, each item written carries its new eTag
 * (WRITTEN_ETAG_ASSIGNED: LearnerState then needs no second read). eTags are random, not counters: an item deleted and created again never
 * gets back an eTag someone may still hold.
 *
 * Keys are stored hashed, as the welcome claims are: a Teams personal chat's conversation id is stable
 * per learner, and nothing here needs it in clear.
 *
 * Idle state expires: an item not written for `ttlMs` reads as absent (and may be created afresh with
 * NOT_STORED_ETAG), and purgeExpired() deletes such rows, so the file stays bounded by the
 * conversations of the last `ttlMs`.
 */
export class SqliteStateStorage implements Storage {
  readonly [WRITTEN_ETAG_ASSIGNED] = true;
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly select: Database.Statement<[string, number], { value: string; etag: string }>;
  private readonly current: Database.Statement<[string], { etag: string; touched_at: number }>;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    file: string,
    private readonly o: SqliteStateStorageOptions,
  ) {
    if (!(o.ttlMs > 0)) throw new Error('SqliteStateStorage: ttlMs must be positive');
    this.clock = o.clock ?? (() => new Date());
    this.db = openSqlite(file, SCHEMA);
    this.select = this.db.prepare('SELECT value, etag FROM bot_state WHERE key = ? AND touched_at >= ?');
    this.current = this.db.prepare('SELECT etag, touched_at FROM bot_state WHERE key = ?');
    this.upsert = this.db
      .prepare(`INSERT INTO bot_state (key, value, etag, touched_at) VALUES (@key, @value, @etag, @at)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, touched_at = excluded.touched_at`);
    this.remove = this.db.prepare('DELETE FROM bot_state WHERE key = ?');
  }

  private cutoff(): number {
    return this.clock().getTime() - this.o.ttlMs;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys?.length) return {};
    const cutoff = this.cutoff();
    const items: StoreItems = {};
    for (const key of keys) {
      const row = this.select.get(hash(key), cutoff);
      if (row) items[key] = { ...(JSON.parse(row.value) as StoreItem), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const at = this.clock().getTime();
    const cutoff = at - this.o.ttlMs;
    const given = new Map<StoreItem, string>();
    this.db.transaction(() => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...value } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
        if (eTag && eTag !== '*') {
          const row = this.current.get(hash(key));
          const stored = row && row.touched_at >= cutoff ? row.etag : NOT_STORED_ETAG;
          if (stored !== eTag) throw new StateConflictError(key);
        }
        const etag = randomBytes(9).toString('base64url');
        this.upsert.run({ key: hash(key), value: JSON.stringify(value), etag, at });
        if (item) given.set(item as StoreItem, etag);
      }
    })();
    // Committed: each item now carries the eTag it has in the store (WRITTEN_ETAG_ASSIGNED).
    for (const [item, eTag] of given) item.eTag = eTag;
  }

  async delete(keys: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const key of keys ?? []) this.remove.run(hash(key));
    })();
  }

  /** Deletes state idle for longer than the time to live; returns how many items. */
  purgeExpired(): number {
    return this.db.prepare('DELETE FROM bot_state WHERE touched_at < ?').run(this.cutoff()).changes;
  }

  /** How many items are stored (expired ones not yet purged included): for tests and health. */
  size(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM bot_state').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
