import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryStorage, type Storage } from 'botbuilder-core';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStateStorage, StateConflictError, isStateConflict } from '../src/storage/sqlite-state-storage.ts';
import { NOT_STORED_ETAG } from '../dialogs/learner-state.ts';

const HOUR = 3_600_000;
const opened: SqliteStateStorage[] = [];
function storage(options: { ttlMs?: number; clock?: () => Date; file?: string } = {}): SqliteStateStorage {
  const s = new SqliteStateStorage(options.file ?? join(mkdtempSync(join(tmpdir(), 'state-')), 'state.sqlite'), { ttlMs: options.ttlMs ?? 24 * HOUR, ...(options.clock ? { clock: options.clock } : {}) });
  opened.push(s);
  return s;
}
afterEach(() => { for (const s of opened.splice(0)) s.close(); });

/** The Storage contract as botbuilder's MemoryStorage keeps it: SQLite must behave the same. */
function contract(name: string, make: () => Storage) {
  describe(`${name}: botbuilder Storage contract`, () => {
    it('reads back what was written, with a new eTag on every write; absent keys are left out', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      const first = await s.read(['a', 'missing']);
      expect(Object.keys(first)).toEqual(['a']);
      expect(first.a).toMatchObject({ step: 1 });
      expect(typeof first.a.eTag).toBe('string');
      await s.write({ a: { ...first.a, step: 2 } });
      const second = await s.read(['a']);
      expect(second.a).toMatchObject({ step: 2 });
      expect(second.a.eTag).not.toBe(first.a.eTag);
    });

    it('refuses a write with a stale eTag and keeps the winner', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      const [mine, theirs] = [(await s.read(['a'])).a, (await s.read(['a'])).a];
      await s.write({ a: { ...theirs, step: 'theirs' } });
      const error = await s.write({ a: { ...mine, step: 'mine' } }).then(() => undefined, (e: unknown) => e);
      expect(isStateConflict(error)).toBe(true);
      expect((await s.read(['a'])).a).toMatchObject({ step: 'theirs' });
    });

    it('overwrites whatever is stored with eTag * or without an eTag', async () => {
      const s = make();
      await s.write({ a: { step: 1 } });
      await s.write({ a: { step: 2, eTag: '*' } });
      expect((await s.read(['a'])).a).toMatchObject({ step: 2 });
      await s.write({ a: { step: 3 } });
      expect((await s.read(['a'])).a).toMatchObject({ step: 3 });
    });

    it('deletes, and a deleted key reads as absent', async () => {
      const s = make();
      await s.write({ a: { step: 1 }, b: { step: 1 } });
      await s.delete(['a', 'never-there']);
      expect(Object.keys(await s.read(['a', 'b']))).toEqual(['b']);
    });
  });
}
contract('MemoryStorage (reference)', () => new MemoryStorage());
contract('SqliteStateStorage', () => storage());

describe('SqliteStateStorage beyond the contract', () => {
  it('« create unless someone did »: the not-stored eTag succeeds once, then conflicts', async () => {
    const s = storage();
    await s.write({ a: { by: 'first', eTag: NOT_STORED_ETAG } });
    await expect(s.write({ a: { by: 'second', eTag: NOT_STORED_ETAG } })).rejects.toBeInstanceOf(StateConflictError);
    expect((await s.read(['a'])).a).toMatchObject({ by: 'first' });
  });

  it('a conflicting batch changes nothing (one transaction)', async () => {
    const s = storage();
    await s.write({ a: { v: 1 }, b: { v: 1 } });
    const { a } = await s.read(['a']);
    await expect(s.write({ b: { v: 2, eTag: '*' }, a: { v: 2, eTag: 'stale' } })).rejects.toThrow(/eTag conflict/);
    expect((await s.read(['a', 'b']))).toMatchObject({ a: { v: 1, eTag: a!.eTag }, b: { v: 1 } });
  });

  it('survives being closed and opened again (a restart)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'state-')), 'state.sqlite');
    const s1 = new SqliteStateStorage(file, { ttlMs: HOUR });
    await s1.write({ 'emulator/conversations/c1': { dialogState: { dialogStack: [{ id: 'registration' }] } } });
    const { eTag } = (await s1.read(['emulator/conversations/c1']))['emulator/conversations/c1']!;
    s1.close();
    const s2 = storage({ file });
    expect((await s2.read(['emulator/conversations/c1']))['emulator/conversations/c1']).toEqual({ dialogState: { dialogStack: [{ id: 'registration' }] }, eTag });
    // Conversation ids (stable per learner in a Teams personal chat) are not kept in clear.
    const raw = new Database(file, { readonly: true });
    const keys = (raw.prepare('SELECT key FROM bot_state').all() as { key: string }[]).map((r) => r.key);
    raw.close();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('idle state expires: read as absent after the time to live, created afresh, purged', async () => {
    let now = new Date('2026-11-26T10:00:00Z').getTime();
    const s = storage({ ttlMs: 24 * HOUR, clock: () => new Date(now) });
    await s.write({ idle: { step: 2 }, busy: { step: 1 } });
    now += 23 * HOUR;
    const busy = (await s.read(['busy'])).busy!;
    await s.write({ busy: { ...busy, step: 2 } }); // written: its time to live starts again
    now += 2 * HOUR; // idle: 25 h without a write; busy: 2 h
    expect(Object.keys(await s.read(['idle', 'busy']))).toEqual(['busy']);
    // A learner coming back after a day starts afresh, even though the row is still there.
    expect(s.size()).toBe(2);
    await s.write({ idle: { step: 0, eTag: NOT_STORED_ETAG } });
    expect((await s.read(['idle'])).idle).toMatchObject({ step: 0 });
    now += 24 * HOUR + 1;
    expect(s.purgeExpired()).toBe(2);
    expect(s.size()).toBe(0);
  });
});
