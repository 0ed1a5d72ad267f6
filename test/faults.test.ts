import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStorage } from '../src/storage/sqlite-state-storage.ts';
import { StandInConnector } from './server-process.ts';
import { postMessage, startInProcessBot, type InProcessBot } from './in-process-bot.ts';
import { folded } from './helpers.ts';
import { tempDir } from './temp.ts';

/**
 * SQLite's own read-only mode on a store's connection: every write fails with SQLITE_READONLY, as
 * with a read-only file. (Tests may run as root, for whom file modes refuse nothing, so the mode is set
 * on the connection the store opened.)
 */
function readOnly(store: object, on: boolean): void {
  (store as { db: Database.Database }).db.pragma(`query_only = ${on ? 1 : 0}`);
}

const STEP_NOT_KEPT = /^desole, un probleme technique m'empeche pour l'instant d'enregistrer ou nous en sommes/;
const connector = new StandInConnector();
const bots: InProcessBot[] = [];
const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));
const tmp = () => tempDir('faults-');

beforeAll(async () => {
  await connector.start();
});
afterAll(async () => {
  for (const b of bots) await b.stop();
  await connector.stop();
});

describe('the transcript store refuses writes', () => {
  it('learners still get answers; records wait in the journal and reach the store when it is back, in order', async () => {
    const file = join(tmp(), 'transcripts.sqlite');
    const b = await startInProcessBot({ transcriptsFile: file });
    bots.push(b);
    const { store, recorder } = b.transcripts!;
    const conv = 'store-down';
    await postMessage(b.url, connector.url, conv, "combien coûte l'inscription ?");
    await recorder.idle();
    const conversationId = (await store.conversations())[0]!.conversationId;
    const before = (await store.activities(conversationId)).length;
    expect(before).toBeGreaterThanOrEqual(2);

    readOnly(store, true);
    await postMessage(b.url, connector.url, conv, "c'est quand l'examen ?");
    await postMessage(b.url, connector.url, conv, 'merci');
    // Answered as usual…
    expect(texts(conv).slice(1).join('\n')).toMatch(/juin/);
    expect(texts(conv)).toHaveLength(3);
    // …and nothing of it in the store yet: it waits in the journal, on disk, not in memory.
    await recorder.idle();
    expect(await store.activities(conversationId)).toHaveLength(before);
    expect(existsSync(`${file}.journal`)).toBe(true);
    const waiting = recorder.waiting();
    expect(waiting).toBeGreaterThanOrEqual(4);
    expect(b.logs.messages()).toContain('transcript store refuses writes: entries spooled to the journal');

    // Back: the store is left alone a few seconds after a refusal (a locked database would make every
    // attempt wait); the periodic flush — or the first write after that rest — writes everything.
    readOnly(store, false);
    expect(await recorder.flush()).toBe(true);
    await postMessage(b.url, connector.url, conv, "et ça dure combien de temps l'épreuve ?");
    await recorder.idle();
    const all = await store.activities(conversationId);
    expect(all.length).toBeGreaterThanOrEqual(before + waiting + 2);
    expect(b.logs.messages()).toContain('transcript store writable again: spooled entries written');
    expect(recorder.waiting()).toBe(0);
    expect(existsSync(`${file}.journal`)).toBe(false);
    // In the order they happened: each learner message before the replies to it.
    const ins = all.filter((e) => e.direction === 'in').map((e) => e.text);
    expect(ins).toEqual([
      "combien coûte l'inscription ?",
      "c'est quand l'examen ?",
      'merci',
      "et ça dure combien de temps l'épreuve ?",
    ]);
    const times = all.map((e) => e.at.getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('locked by another process (a long CLI purge): one wait for the lock, then the journal without waiting', async () => {
    const file = join(tmp(), 'transcripts.sqlite');
    const b = await startInProcessBot({ transcriptsFile: file });
    bots.push(b);
    const conv = 'store-locked';
    await postMessage(b.url, connector.url, conv, 'bonjour');
    const cli = new SqliteDatabase(file);
    cli.exec('BEGIN IMMEDIATE'); // holds the write lock, as a long transaction of another process does
    const durations: number[] = [];
    for (const text of ["combien coûte l'inscription ?", "c'est quand l'examen ?", 'merci']) {
      const started = Date.now();
      await postMessage(b.url, connector.url, conv, text);
      durations.push(Date.now() - started);
    }
    // The first write waited for SQLite's busy timeout (2 s) and failed; the next ones did not wait.
    expect(durations[0]).toBeGreaterThanOrEqual(1900);
    expect(durations[1]! + durations[2]!).toBeLessThan(1900);
    expect(texts(conv)).toHaveLength(4);
    cli.exec('COMMIT');
    cli.close();
    const { store, recorder } = b.transcripts!;
    expect(await recorder.flush()).toBe(true);
    const [summary] = await store.conversations();
    expect((await store.activities(summary!.conversationId)).filter((e) => e.direction === 'in')).toHaveLength(4);
  });

  it('entries still in the journal at shutdown are written at the next start', async () => {
    const file = join(tmp(), 'transcripts.sqlite');
    const b = await startInProcessBot({ transcriptsFile: file });
    readOnly(b.transcripts!.store, true);
    await postMessage(b.url, connector.url, 'store-down-restart', "combien coûte l'inscription ?");
    await b.stop(); // stop() tries once more, and leaves the journal
    expect(existsSync(`${file}.journal`)).toBe(true);

    const again = await startInProcessBot({ transcriptsFile: file });
    bots.push(again);
    expect(existsSync(`${file}.journal`)).toBe(false);
    const [summary] = await again.transcripts!.store.conversations();
    expect((await again.transcripts!.store.activities(summary!.conversationId)).map((e) => e.direction)).toEqual([
      'in',
      'out',
    ]);
  });
});

describe('the state store refuses writes', () => {
  it('the learner gets a polite reply, and the turn is not half-applied: the dialog stays where it was', async () => {
    const storage = new SqliteStateStorage(join(tmp(), 'state.sqlite'), { ttlMs: 86_400_000 });
    const b = await startInProcessBot({ storage });
    bots.push(b);
    const conv = 'state-down';
    await postMessage(b.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');

    readOnly(storage, true);
    const r = await postMessage(b.url, connector.url, conv, 'oui');
    expect(r.status).toBeLessThan(500);
    // Not the next question (its step was not kept), only the apology saying so.
    expect(texts(conv).slice(1)).toEqual([expect.stringMatching(STEP_NOT_KEPT)]);

    readOnly(storage, false);
    await postMessage(b.url, connector.url, conv, 'oui');
    expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee/);
    storage.close();
  });
});

/** A connector that answers every reply with 500, or never answers; counts the requests it got. */
async function brokenConnector(
  mode: 'error' | 'hang',
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    if (mode === 'error')
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"ServiceError","message":"down"}}');
      });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    hits: () => hits,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('the connector fails', () => {
  for (const mode of ['error', 'hang'] as const) {
    it(`${mode === 'error' ? 'answers 500' : 'never answers'}: the turn ends, the failure is recorded, nothing piles up`, async () => {
      const broken = await brokenConnector(mode);
      const b = await startInProcessBot({
        transcriptsFile: join(tmp(), 'transcripts.sqlite'),
        env: { REPLY_TIMEOUT_MS: '300' },
      });
      bots.push(b);
      const started = Date.now();
      const responses = await Promise.all(
        [1, 2, 3].map((i) => postMessage(b.url, broken.url, `broken-${mode}-${i}`, "combien coûte l'inscription ?")),
      );
      // Each turn ended, with no 5xx to the channel and within a bounded time.
      for (const r of responses) expect(r.status).toBeLessThan(500);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(broken.hits()).toBeGreaterThanOrEqual(3);
      const { store, recorder } = b.transcripts!;
      await recorder.idle();
      for (const summary of await store.conversations()) {
        const entries = await store.activities(summary.conversationId);
        expect(entries[0]!.direction).toBe('in');
        // The answer the learner never got is kept, and the turn's error with it.
        expect(entries.some((e) => e.direction === 'out' && /5,00 €/.test(e.text))).toBe(true);
        expect(entries.some((e) => e.type === 'error' && /\w/.test(e.error ?? ''))).toBe(true);
      }
      expect(await store.conversations()).toHaveLength(3);
      // Nothing waits: no turn, no conversation queue, no transcript entry.
      expect(b.turns.activeConversations).toBe(0);
      expect(recorder.waiting()).toBe(0);
      await broken.close();
    });
  }
});
