import { join } from 'node:path';
import type { Storage, StoreItems } from 'botbuilder-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStorage } from '../src/storage/sqlite-state-storage.ts';
import { StandInConnector } from './server-process.ts';
import { postMessage, startInProcessBot, type InProcessBot } from './in-process-bot.ts';
import { Conversation, folded } from './helpers.ts';
import { tempDir } from './temp.ts';

/**
 * The real SQLite storage, with a way to hold one read's result for a while: it opens, at a known
 * moment, the window in which another turn of the same conversation can read the same state.
 */
class WindowedStorage implements Storage {
  private pause: { started: () => void; until: Promise<void> } | undefined;
  constructor(readonly real: SqliteStateStorage) {}

  /** The next read waits for `until`; resolves when that read has happened. */
  holdNextRead(until: Promise<void>): Promise<void> {
    return new Promise((started) => {
      this.pause = { started, until };
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.real.read(keys);
    const pause = this.pause;
    if (pause) {
      this.pause = undefined;
      pause.started();
      await pause.until;
    }
    return items;
  }
  write(changes: StoreItems): Promise<void> {
    return this.real.write(changes);
  }
  delete(keys: string[]): Promise<void> {
    return this.real.delete(keys);
  }
}

const HOUR = 3_600_000;
const connector = new StandInConnector();
const stateFile = join(tempDir('turns-'), 'state.sqlite');
const storages: SqliteStateStorage[] = [];
const bots: InProcessBot[] = [];

async function bot(): Promise<{ bot: InProcessBot; storage: WindowedStorage }> {
  const real = new SqliteStateStorage(stateFile, { ttlMs: 24 * HOUR });
  storages.push(real);
  const storage = new WindowedStorage(real);
  const b = await startInProcessBot({ storage });
  bots.push(b);
  return { bot: b, storage };
}

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));
const APOLOGY = /desole, un probleme technique/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

beforeAll(async () => {
  await connector.start();
});
afterAll(async () => {
  for (const b of bots) await b.stop();
  for (const s of storages) s.close();
  await connector.stop();
});

describe('two messages of one conversation at once', () => {
  it('in one process, run one after the other in arrival order: the second reads what the first saved', async () => {
    const { bot: b, storage } = await bot();
    const conv = 'same-process';
    await postMessage(b.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toMatch(/avez-vous termine votre formation/);
    // « oui » reads the state, then waits; « en juin 2026 » arrives meanwhile.
    let resume!: () => void;
    const read = storage.holdNextRead(
      new Promise((r) => {
        resume = r;
      }),
    );
    const first = postMessage(b.url, connector.url, conv, 'oui');
    await read;
    const second = postMessage(b.url, connector.url, conv, 'en juin 2026');
    await sleep(100); // « en juin 2026 » has reached the server, and waits its turn
    expect(b.turns.activeConversations).toBe(1);
    resume();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    const after = texts(conv).slice(1);
    // « oui » answered the question asked; « en juin 2026 » the next one: the exam plan, then where they live.
    expect(after[0]).toMatch(/quand l'avez-vous terminee/);
    expect(after.slice(1).join('\n')).toMatch(/dans quel departement habitez-vous/);
    expect(after.filter((t) => /quand l'avez-vous terminee/.test(t))).toHaveLength(1);
    expect(b.turns.activeConversations).toBe(0);
    // No conflict was needed: the turns never overlapped.
    expect(b.logs.messages()).not.toContain(
      'conversation state changed meanwhile (another process): running the turn again',
    );
  });

  it('in two processes sharing the store, the turn that loses the eTag race runs again; no reply is sent twice', async () => {
    const p1 = await bot();
    const p2 = await bot();
    const conv = 'two-processes';
    await postMessage(p1.bot.url, connector.url, conv, "je veux m'inscrire");
    let resume!: () => void;
    const read = p1.storage.holdNextRead(
      new Promise((r) => {
        resume = r;
      }),
    );
    // Process 1 reads the state at « Avez-vous terminé votre formation ? » for « oui », and is slow;
    const first = postMessage(p1.bot.url, connector.url, conv, 'oui');
    await read;
    // process 2 reads the same state for « pas encore », answers and saves.
    expect((await postMessage(p2.bot.url, connector.url, conv, 'pas encore')).status).toBe(200);
    const afterSecond = texts(conv).length;
    expect(texts(conv).at(-1)).toMatch(/quand se termine-t-elle/);
    resume();
    expect((await first).status).toBe(200);
    // Process 1's save met process 2's eTag: its turn ran again on the state process 2 left.
    expect(p1.bot.logs.messages()).toContain(
      'conversation state changed meanwhile (another process): running the turn again',
    );
    expect(p1.bot.logs.messages()).toContain('turn kept after an eTag conflict');
    // What the first attempt said (« Quand l'avez-vous terminée ? », read on the old state) never left;
    // « oui » got, once, the reply of the attempt kept: the one a single process gives to the same order.
    const serial = new Conversation();
    await serial.say("je veux m'inscrire");
    await serial.say('pas encore');
    const expected = (await serial.say('oui')).map((a) => folded(String(a.text)));
    expect(expected).toHaveLength(1);
    expect(texts(conv).slice(afterSecond)).toEqual(expected);
    expect(texts(conv).some((t) => /quand l'avez-vous terminee/.test(t))).toBe(false);
  });

  it('a flood on one conversation: beyond 16 waiting turns, refused politely; the dialog is kept and nothing stays queued', async () => {
    const { bot: b, storage } = await bot();
    const conv = 'flood';
    await postMessage(b.url, connector.url, conv, "je veux m'inscrire");
    let resume!: () => void;
    const read = storage.holdNextRead(
      new Promise((r) => {
        resume = r;
      }),
    );
    const first = postMessage(b.url, connector.url, conv, 'combien ça coûte ?');
    await read;
    const flood = Array.from({ length: 20 }, () => postMessage(b.url, connector.url, conv, 'combien ça coûte ?'));
    const refused = () =>
      b.logs.lines.filter((l) => /too many turns of this conversation waiting/.test(JSON.stringify(l.err ?? '')));
    // Every message of the flood has reached the runner (queued, or refused) before the first turn goes on:
    // waiting for that rather than for a fixed time keeps the test right on a loaded machine.
    for (const deadline = Date.now() + 10_000; b.turns.inFlightCount + refused().length < 21 && Date.now() < deadline;)
      await sleep(20);
    resume();
    const statuses = (await Promise.all([first, ...flood])).map((r) => r.status);
    expect(statuses.every((s) => s < 500)).toBe(true);
    expect(refused()).toHaveLength(4);
    expect(b.turns.activeConversations).toBe(0);
    // The refused ones got the apology; the dialog is where it was: « oui » answers its question.
    expect(texts(conv).filter((t) => APOLOGY.test(t))).toHaveLength(4);
    await postMessage(b.url, connector.url, conv, 'oui');
    expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee/);
  });
});
