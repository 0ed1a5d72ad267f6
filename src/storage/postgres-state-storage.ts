import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Storage, StoreItem, StoreItems } from 'botbuilder-core';
import { NOT_STORED_ETAG, WRITTEN_ETAG_ASSIGNED } from '../../dialogs/learner-state.ts';
import { inTransaction } from './postgres.ts';
import { StateConflictError, type SqliteStateStorageOptions } from './sqlite-state-storage.ts';

/**
 * botbuilder's `Storage` in PostgreSQL (table bot_state, migration 1), with the contract of
 * SqliteStateStorage — eTags, NOT_STORED_ETAG for « create unless someone did », a conflicting batch
 * changing nothing, hashed keys, expiry after `ttlMs` — but for several processes at once.
 *
 * Each conditional write is one statement whose WHERE holds the condition (an UPDATE matching the
 * eTag read, or an INSERT … ON CONFLICT that updates only an expired row), so PostgreSQL's row lock
 * decides between two instances writing the same conversation: the second waits for the first to
 * commit, re-reads the row, no longer matches and changes nothing — a conflict, and its turn is run
 * again (src/turns/turn-runner.ts). No read-then-write window exists for it to slip through.
 */
export class PostgresStateStorage implements Storage {
  readonly [WRITTEN_ETAG_ASSIGNED] = true;
  private readonly clock: () => Date;

  constructor(
    private readonly pool: pg.Pool,
    private readonly o: SqliteStateStorageOptions,
  ) {
    if (!(o.ttlMs > 0)) throw new Error('PostgresStateStorage: ttlMs must be positive');
    this.clock = o.clock ?? (() => new Date());
  }

  private cutoff(): number {
    return this.clock().getTime() - this.o.ttlMs;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys?.length) return {};
    const byHash = new Map(keys.map((k) => [hash(k), k]));
    const { rows } = await this.pool.query<{ key: string; value: string; etag: string }>(
      'SELECT key, value, etag FROM bot_state WHERE key = ANY($1) AND touched_at >= $2',
      [[...byHash.keys()], this.cutoff()],
    );
    const found = new Map(rows.map((r) => [r.key, r]));
    const items: StoreItems = {};
    // In the order asked, as MemoryStorage and SqliteStateStorage answer.
    for (const [h, key] of byHash) {
      const row = found.get(h);
      if (row) items[key] = { ...(JSON.parse(row.value) as StoreItem), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const at = this.clock().getTime();
    const cutoff = at - this.o.ttlMs;
    const given = new Map<StoreItem, string>();
    await inTransaction(this.pool, async (client) => {
      for (const [key, item] of entries) {
        const { eTag, ...rest } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
        const row = [hash(key), JSON.stringify(rest), randomBytes(9).toString('base64url'), at];
        if (item) given.set(item as StoreItem, row[2] as string);
        let written: number | null;
        if (!eTag || eTag === '*') {
          written = (
            await client.query(
              `INSERT INTO bot_state (key, value, etag, touched_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, touched_at = excluded.touched_at`,
              row,
            )
          ).rowCount;
        } else if (eTag === NOT_STORED_ETAG) {
          // Absent, or present but expired (which reads as absent).
          written = (
            await client.query(
              `INSERT INTO bot_state (key, value, etag, touched_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, touched_at = excluded.touched_at
            WHERE bot_state.touched_at < $5`,
              [...row, cutoff],
            )
          ).rowCount;
        } else {
          written = (
            await client.query(
              'UPDATE bot_state SET value = $2, etag = $3, touched_at = $4 WHERE key = $1 AND etag = $5 AND touched_at >= $6',
              [...row, eTag, cutoff],
            )
          ).rowCount;
        }
        if (written !== 1) throw new StateConflictError(key);
      }
    });
    // Committed: each item now carries the eTag it has in the store (WRITTEN_ETAG_ASSIGNED).
    for (const [item, eTag] of given) item.eTag = eTag;
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys?.length) return;
    await this.pool.query('DELETE FROM bot_state WHERE key = ANY($1)', [keys.map(hash)]);
  }

  /** Deletes state idle for longer than the time to live; returns how many items. */
  async purgeExpired(): Promise<number> {
    return (await this.pool.query('DELETE FROM bot_state WHERE touched_at < $1', [this.cutoff()])).rowCount ?? 0;
  }

  /** How many items are stored (expired ones not yet purged included): for tests and health. */
  async size(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM bot_state')).rows[0]!.n);
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
