import { join } from 'node:path';
import { MemoryStorage, TestAdapter, TurnContext, type Storage, type StoreItems } from 'botbuilder-core';
import { afterEach, describe, expect, it } from 'vitest';
import { LearnerState, isStateConflict } from '../dialogs/learner-state.ts';
import { SqliteStateStorage } from '../src/storage/sqlite-state-storage.ts';
import { tempDir } from './temp.ts';

/** Counts what reaches the store, in front of a real one. */
function counted<S extends Storage>(inner: S) {
  const counts = { reads: 0, writes: 0 };
  const storage = Object.assign(Object.create(inner) as S, {
    read: (keys: string[]) => {
      counts.reads++;
      return inner.read(keys);
    },
    write: (changes: StoreItems) => {
      counts.writes++;
      return inner.write(changes);
    },
  });
  return { storage, counts };
}

const adapter = new TestAdapter();
const turn = (conversation = 'c1') =>
  new TurnContext(adapter, {
    type: 'message',
    channelId: 'test',
    conversation: { id: conversation, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'learner', name: '' },
    recipient: { id: 'bot', name: '' },
    text: 'bonjour',
  });

const opened: SqliteStateStorage[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
const sqlite = () => {
  const s = new SqliteStateStorage(join(tempDir('learner-state-'), 'state.sqlite'), {
    ttlMs: 3_600_000,
  });
  opened.push(s);
  return s;
};

describe('LearnerState', () => {
  it('on the server’s SQLite storage: one read and one write per turn that changes the state, none when unchanged', async () => {
    const { storage, counts } = counted(sqlite());
    const state = new LearnerState(storage);
    const step = state.createProperty<{ n: number }>('step');

    const first = turn();
    await state.load(first, true);
    (await step.get(first, { n: 0 })).n = 1;
    await state.saveChanges(first);
    expect(counts).toEqual({ reads: 1, writes: 1 });

    // Saved again in the same turn with the eTag the write gave it: no conflict, no read in between.
    (await step.get(first, { n: 0 })).n = 2;
    await state.saveChanges(first);
    expect(counts).toEqual({ reads: 1, writes: 2 });

    const second = turn();
    await state.load(second, true);
    expect(await step.get(second)).toEqual({ n: 2 });
    await state.saveChanges(second); // nothing changed: nothing written
    expect(counts).toEqual({ reads: 2, writes: 2 });
  });

  it('a turn that saves after another process wrote meets the conflict (optimistic concurrency kept)', async () => {
    const store = sqlite();
    const [a, b] = [new LearnerState(store), new LearnerState(store)];
    const [ta, tb] = [turn(), turn()];
    await a.load(ta, true);
    await b.load(tb, true);
    (await a.createProperty<{ by: string }>('who').get(ta, { by: '' })).by = 'a';
    await a.saveChanges(ta);
    (await b.createProperty<{ by: string }>('who').get(tb, { by: '' })).by = 'b';
    const error = await b.saveChanges(tb).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStateConflict(error)).toBe(true);
    const check = turn();
    await a.load(check, true);
    expect(await a.createProperty('who').get(check)).toEqual({ by: 'a' });
  });

  it('on a storage that does not give the new eTag (MemoryStorage): reads the state again after a write, a second save works', async () => {
    const { storage, counts } = counted(new MemoryStorage());
    const state = new LearnerState(storage);
    const step = state.createProperty<{ n: number }>('step');
    const t = turn();
    await state.load(t, true);
    (await step.get(t, { n: 0 })).n = 1;
    await state.saveChanges(t);
    expect(counts).toEqual({ reads: 2, writes: 1 });
    (await step.get(t, { n: 0 })).n = 2;
    await state.saveChanges(t);
    const next = turn();
    await state.load(next, true);
    expect(await step.get(next)).toEqual({ n: 2 });
  });

  it('clear() starts from an empty state that the next save writes; delete() removes it from the store', async () => {
    const store = sqlite();
    const state = new LearnerState(store);
    const t = turn();
    await state.load(t, true);
    (await state.createProperty<{ n: number }>('step').get(t, { n: 0 })).n = 5;
    await state.saveChanges(t);
    await state.clear(t);
    expect(state.get(t)).toEqual({});
    await state.delete(t);
    expect(state.get(t)).toBeUndefined();
    expect(await store.read(['test/conversations/c1'])).toEqual({});
  });
});
