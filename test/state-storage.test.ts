import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryStorage, type Storage } from 'botbuilder-core';
import type pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStorage, StateConflictError, isStateConflict } from '../src/storage/sqlite-state-storage.ts';
import { PostgresStateStorage } from '../src/storage/postgres-state-storage.ts';
import { PostgresWelcomeClaims } from '../src/storage/postgres-welcome-claims.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { NOT_STORED_ETAG, WRITTEN_ETAG_ASSIGNED } from '../dialogs/learner-state.ts';
import { freePort as freePortForTest } from './server-process.ts';
import { postgresForThisFile, postgresMissing } from './postgres-server.ts';
import { tempDir } from './temp.ts';

const HOUR = 3_600_000;

/** What the tests stored, with the store's eTag (botbuilder types every stored item as `any`). */
type Item = { eTag?: string; [field: string]: unknown };
const read = async (s: Storage, keys: string[]) => (await s.read(keys)) as Partial<Record<string, Item>>;
const opened: SqliteStateStorage[] = [];
function storage(options: { ttlMs?: number; clock?: () => Date; file?: string } = {}): SqliteStateStorage {
  const s = new SqliteStateStorage(options.file ?? join(tempDir('state-'), 'state.sqlite'), {
    ttlMs: options.ttlMs ?? 24 * HOUR,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** The Storage contract as botbuilder's MemoryStorage keeps it: SQLite must behave the same. */
function contract(name: string, make: () => Storage) {
  describe(`${name}: botbuilder Storage contract`, () => {
    it('reads back what was written, with a new eTag on every write; absent keys are left out', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      const first = await read(s, ['a', 'missing']);
      expect(Object.keys(first)).toEqual(['a']);
      expect(first.a).toMatchObject({ step: 1 });
      expect(typeof first.a!.eTag).toBe('string');
      await s.write({ a: { ...first.a, step: 2 } });
      const second = await read(s, ['a']);
      expect(second.a).toMatchObject({ step: 2 });
      expect(second.a!.eTag).not.toBe(first.a!.eTag);
    });

    it('refuses a write with a stale eTag and keeps the winner', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      const [mine, theirs] = [(await read(s, ['a'])).a, (await read(s, ['a'])).a];
      await s.write({ a: { ...theirs, step: 'theirs' } });
      const error = await s.write({ a: { ...mine, step: 'mine' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStateConflict(error)).toBe(true);
      expect((await read(s, ['a'])).a).toMatchObject({ step: 'theirs' });
    });

    it('overwrites whatever is stored with eTag * or without an eTag', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      await s.write({ a: { step: 2, eTag: '*' } });
      expect((await read(s, ['a'])).a).toMatchObject({ step: 2 });
      await s.write({ a: { step: 3 } });
      expect((await read(s, ['a'])).a).toMatchObject({ step: 3 });
    });

    it('deletes, and a deleted key reads as absent', async () => {
      const s = make();
      await s.write({ a: { step: 1 }, b: { step: 1 } });
      await s.delete(['a', 'never-there']);
      expect(Object.keys(await read(s, ['a', 'b']))).toEqual(['b']);
    });
  });
}
contract('MemoryStorage (reference)', () => new MemoryStorage());
contract('SqliteStateStorage', () => storage());

/** One server for the file; each storage gets a database of its own. */
const { server, pool, pools } = postgresForThisFile();
let pgPool: pg.Pool | undefined;
describe.skipIf(postgresMissing)('PostgresStateStorage', () => {
  beforeAll(async () => {
    pgPool = await pool();
  });
  // The contract runs on one database, emptied before each test (its tests reuse the same keys).
  beforeEach(async () => {
    await pgPool!.query('DELETE FROM bot_state');
  });
  contract('PostgresStateStorage', () => new PostgresStateStorage(pgPool!, { ttlMs: 24 * HOUR }));
});

interface Backend {
  name: string;
  make: (o?: { ttlMs?: number; clock?: () => Date }) => Promise<SqliteStateStorage | PostgresStateStorage>;
}
const backends: Backend[] = [
  { name: 'SqliteStateStorage', make: async (o = {}) => storage(o) },
  {
    name: 'PostgresStateStorage',
    make: async (o = {}) =>
      new PostgresStateStorage(await pool(), { ttlMs: o.ttlMs ?? 24 * HOUR, ...(o.clock ? { clock: o.clock } : {}) }),
  },
];

describe.each(backends)('$name beyond the contract', ({ name, make }) => {
  const skip = name.startsWith('Postgres') && postgresMissing !== undefined;

  it.skipIf(skip)('« create unless someone did »: the not-stored eTag succeeds once, then conflicts', async () => {
    const s = await make();
    await s.write({ a: { by: 'first', eTag: NOT_STORED_ETAG } });
    await expect(s.write({ a: { by: 'second', eTag: NOT_STORED_ETAG } })).rejects.toBeInstanceOf(StateConflictError);
    expect((await read(s, ['a'])).a).toMatchObject({ by: 'first' });
  });

  it.skipIf(skip)(
    'a committed write gives each item written the eTag it now has; a refused one leaves them alone',
    async () => {
      const s = await make();
      expect(s[WRITTEN_ETAG_ASSIGNED]).toBe(true);
      const item: Item = { step: 1, eTag: NOT_STORED_ETAG };
      await s.write({ a: item });
      expect(item.eTag).toBe((await read(s, ['a'])).a!.eTag);
      expect(item.eTag).not.toBe(NOT_STORED_ETAG);
      // Written again with the eTag it was given: the write that follows a write, without reading.
      item.step = 2;
      await s.write({ a: item });
      expect(await read(s, ['a'])).toEqual({ a: { step: 2, eTag: item.eTag } });
      const stale: Item = { step: 3, eTag: 'stale' };
      await expect(s.write({ a: stale })).rejects.toBeInstanceOf(StateConflictError);
      expect(stale.eTag).toBe('stale');
    },
  );

  it.skipIf(skip)('a conflicting batch changes nothing (one transaction)', async () => {
    const s = await make();
    await s.write({ a: { v: 1 }, b: { v: 1 } });
    const { a } = await read(s, ['a']);
    await expect(s.write({ b: { v: 2, eTag: '*' }, a: { v: 2, eTag: 'stale' } })).rejects.toThrow(/eTag conflict/);
    expect(await read(s, ['a', 'b'])).toMatchObject({ a: { v: 1, eTag: a!.eTag }, b: { v: 1 } });
  });

  it.skipIf(skip)('keeps what a learner may type: control characters, NUL, emoji, other scripts', async () => {
    const s = await make();
    const text = "a\u0000b\u0007 \u200b👍 日本語 '; DROP TABLE bot_state; --";
    await s.write({ [text]: { text } });
    expect((await read(s, [text]))[text]).toMatchObject({ text });
  });

  it.skipIf(skip)('idle state expires: read as absent after the time to live, created afresh, purged', async () => {
    let now = new Date('2026-11-26T10:00:00Z').getTime();
    const s = await make({ ttlMs: 24 * HOUR, clock: () => new Date(now) });
    await s.write({ idle: { step: 2 }, busy: { step: 1 } });
    now += 23 * HOUR;
    const busy = (await read(s, ['busy'])).busy!;
    await s.write({ busy: { ...busy, step: 2 } }); // written: its time to live starts again
    now += 2 * HOUR; // idle: 25 h without a write; busy: 2 h
    expect(Object.keys(await read(s, ['idle', 'busy']))).toEqual(['busy']);
    // A learner coming back after a day starts afresh, even though the row is still there.
    expect(await s.size()).toBe(2);
    // An eTag held from before the expiry no longer matches: the state it was read with is gone.
    await expect(s.write({ idle: { step: 9, eTag: (await read(s, ['busy'])).busy!.eTag } })).rejects.toBeInstanceOf(
      StateConflictError,
    );
    await s.write({ idle: { step: 0, eTag: NOT_STORED_ETAG } });
    expect((await read(s, ['idle'])).idle).toMatchObject({ step: 0 });
    now += 24 * HOUR + 1;
    expect(await s.purgeExpired()).toBe(2);
    expect(await s.size()).toBe(0);
  });
});

describe('SqliteStateStorage: restart', () => {
  it('survives being closed and opened again (a restart)', async () => {
    const file = join(tempDir('state-'), 'state.sqlite');
    const s1 = new SqliteStateStorage(file, { ttlMs: HOUR });
    await s1.write({ 'emulator/conversations/c1': { dialogState: { dialogStack: [{ id: 'registration' }] } } });
    const { eTag } = (await read(s1, ['emulator/conversations/c1']))['emulator/conversations/c1']!;
    s1.close();
    const s2 = storage({ file });
    expect((await read(s2, ['emulator/conversations/c1']))['emulator/conversations/c1']).toEqual({
      dialogState: { dialogStack: [{ id: 'registration' }] },
      eTag,
    });
    // Conversation ids (stable per learner in a Teams personal chat) are not kept in clear.
    const raw = new Database(file, { readonly: true });
    const keys = (raw.prepare('SELECT key FROM bot_state').all() as { key: string }[]).map((r) => r.key);
    raw.close();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.skipIf(postgresMissing)('PostgreSQL: several processes, restart, migrations', () => {
  it('two pools (two instances) racing on one conversation: exactly one write wins each round, none is lost', async () => {
    const url = await server().createDatabase();
    const [a, b] = [
      new PostgresStateStorage(await pool(url), { ttlMs: HOUR }),
      new PostgresStateStorage(await pool(url), { ttlMs: HOUR }),
    ];
    await a.write({ c: { count: 0, eTag: NOT_STORED_ETAG } });
    let conflicts = 0;
    // Each instance reads, then both write with the eTag they read, at once, 20 times.
    for (let round = 0; round < 20; round++) {
      const [ra, rb] = await Promise.all([read(a, ['c']), read(b, ['c'])]);
      const results = await Promise.allSettled([
        a.write({ c: { ...ra.c, count: Number(ra.c!.count) + 1 } }),
        b.write({ c: { ...rb.c, count: Number(rb.c!.count) + 1 } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      conflicts += results.filter((r) => r.status === 'rejected' && isStateConflict(r.reason)).length;
    }
    expect(conflicts).toBe(20);
    expect((await read(b, ['c'])).c).toMatchObject({ count: 20 });
    // Both create at once: one greeting, one first state.
    const created = await Promise.allSettled([
      a.write({ d: { by: 'a', eTag: NOT_STORED_ETAG } }),
      b.write({ d: { by: 'b', eTag: NOT_STORED_ETAG } }),
    ]);
    expect(created.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const welcomes = [new PostgresWelcomeClaims(await pool(url)), new PostgresWelcomeClaims(await pool(url))];
    expect((await Promise.all(welcomes.map((w) => w.claim('emulator/c1')))).sort()).toEqual([false, true]);
    await welcomes[0]!.release('emulator/c1');
    expect(await welcomes[1]!.claim('emulator/c1')).toBe(true);
    expect(await welcomes[0]!.forgetBefore(new Date(Date.now() + 1000))).toBe(1);
  });

  it('survives a restart; keys are stored hashed', async () => {
    const url = await server().createDatabase();
    const s1 = new PostgresStateStorage(await pool(url), { ttlMs: HOUR });
    await s1.write({ 'emulator/conversations/c1': { dialogState: { dialogStack: [{ id: 'registration' }] } } });
    const { eTag } = (await read(s1, ['emulator/conversations/c1']))['emulator/conversations/c1']!;
    await pools.pop()!.end();
    const p2 = await pool(url);
    const s2 = new PostgresStateStorage(p2, { ttlMs: HOUR });
    expect((await read(s2, ['emulator/conversations/c1']))['emulator/conversations/c1']).toEqual({
      dialogState: { dialogStack: [{ id: 'registration' }] },
      eTag,
    });
    const keys = (await p2.query<{ key: string }>('SELECT key FROM bot_state')).rows.map((r) => r.key);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });

  it('migrations: applied once, recorded, in order; a database from a newer version is refused in one line', async () => {
    const url = await server().createDatabase();
    const p = await pool(url);
    await pool(url); // a second start applies nothing
    const { rows } = await p.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    await p.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    const error = await openPostgres(url).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /^DATABASE_URL=postgres:\/\/assistant@127\.0\.0\.1:\d+\/t\d+: cannot use it \(the database is at schema version 999, this version of the assistant knows 4 at most/,
    );
    expect(error?.message).not.toContain('\n');
  });

  it('a server that cannot be reached: one line naming DATABASE_URL, the password masked', async () => {
    const port = await freePortForTest();
    const error = await openPostgres(`postgres://assistant:s3cret@127.0.0.1:${port}/assistant`, {
      connectTimeoutMs: 2000,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `DATABASE_URL=postgres://assistant:***@127.0.0.1:${port}/assistant: cannot use it (connection refused (is PostgreSQL running, on that host and port?))`,
    );
    const noDb = await openPostgres(server().url.replace(/\/postgres$/, '/absent')).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(noDb?.message).toMatch(/\/absent: cannot use it \(no such database \(create it first: createdb\)\)$/);
  });
});
