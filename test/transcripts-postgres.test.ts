import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresTranscriptStore } from '../src/transcripts/postgres-store.ts';
import { PASSWORD, sessionCookie, startConsoleApp, type ConsoleApp } from './console-app.ts';
import { postMessage, startInProcessBot, type InProcessBot } from './in-process-bot.ts';
import { ownPostgresForThisFile, postgresMissing } from './postgres-server.ts';
import { StandInConnector } from './server-process.ts';
import { folded } from './helpers.ts';
import { tempDir } from './temp.ts';

/**
 * Transcripts in PostgreSQL (DATABASE_URL) as instances behind a load balancer have them: one store
 * for all, read by every console; a database that stops does not stop the answers nor lose a line.
 * The store's own behaviour, query by query, is test/transcripts.test.ts (run on both back-ends).
 */
// A server of this file's own: its tests stop it (the run's server is shared by the files running beside).
const postgres = ownPostgresForThisFile();
const connector = new StandInConnector();
beforeAll(async () => {
  if (!postgresMissing) await connector.start();
});
afterAll(async () => {
  await connector.stop();
});

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));
const rows = async (pool: pg.Pool, where = 'TRUE') =>
  Number(
    (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM transcript_activities WHERE ${where}`)).rows[0]!.n,
  );

describe.skipIf(postgresMissing)('two instances on one PostgreSQL database', () => {
  const apps: ConsoleApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.stop();
  });

  it('each console lists and shows the conversations the other instance served; a review made on one is seen on the other', async () => {
    const url = await postgres.server().createDatabase();
    // Two instances: each its own pool, its own process state, the same database.
    const [a, b] = [
      await startConsoleApp({ staff: { claire: PASSWORD }, transcriptsPool: await postgres.pool(url) }),
      await startConsoleApp({ staff: { claire: PASSWORD }, transcriptsPool: await postgres.pool(url) }),
    ];
    apps.push(a, b);
    let n = 0;
    const say = async (app: ConsoleApp, conversation: string, text: string) => {
      const r = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'emulator',
          serviceUrl: connector.url,
          id: `m${++n}`,
          from: { id: `learner-${conversation}` },
          recipient: { id: 'bot' },
          conversation: { id: conversation },
          text,
        }),
      });
      expect(r.status).toBeLessThan(300);
      // Writes never hold the turn: wait for this instance's before reading on the other.
      await app.recorder.idle();
    };
    await say(a, 'served-by-a', "combien dure l'épreuve ?");
    await say(b, 'served-by-b', 'quelle est la capitale du Pérou ?');
    // One conversation whose messages the load balancer spread over both instances.
    await say(a, 'served-by-both', "c'est quand l'examen ?");
    await say(b, 'served-by-both', "combien coûte l'inscription ?");

    const [cookieA, cookieB] = [await sessionCookie(a.url), await sessionCookie(b.url)];
    const get = async (app: ConsoleApp, cookie: string, path: string) => {
      const r = await fetch(`${app.url}${path}`, { headers: { cookie } });
      expect(r.status, path).toBe(200);
      return r.text();
    };
    for (const [app, cookie] of [
      [a, cookieA],
      [b, cookieB],
    ] as const) {
      const list = await get(app, cookie, '/admin');
      for (const id of ['served-by-a', 'served-by-b', 'served-by-both'])
        expect(list).toContain(`/admin/conversations/${id}`);
      expect(list).toContain('quelle est la capitale du Pérou ?');
      const both = await get(app, cookie, '/admin/conversations/served-by-both');
      // Both learner messages, in the order they were said, whichever instance recorded them.
      const first = both.indexOf('c&#39;est quand l&#39;examen ?');
      const second = both.indexOf('combien coûte l&#39;inscription ?');
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      // « À relire » and the statistics read every instance's messages too.
      expect(await get(app, cookie, '/admin/a-relire')).toContain('quelle est la capitale du Pérou ?');
      const statistics = await get(app, cookie, '/admin/statistiques');
      expect(statistics).toContain('quelle est la capitale du Pérou ?'); // unanswered, on B
      expect(statistics).toContain('Durée de l&#39;épreuve'); // answered, on A
    }
    // Marked reviewed on A, seen as reviewed on B.
    const page = await get(a, cookieA, '/admin/conversations/served-by-b');
    const csrf = page.match(/name="csrf" value="([^"]+)"/)![1]!;
    const marked = await fetch(`${a.url}/admin/conversations/served-by-b/revue`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookieA, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, revue: '1', note: 'vu sur A' }).toString(),
    });
    expect(marked.status).toBe(303);
    expect(await get(b, cookieB, '/admin/conversations/served-by-b')).toContain('vu sur A');
    expect(await get(b, cookieB, '/admin?etat=relues')).toContain('/admin/conversations/served-by-b');
    expect(await get(b, cookieB, '/admin?etat=relues')).not.toContain('/admin/conversations/served-by-a');

    // The database stopped: the console says so (503, the page explains), and is back with it.
    await postgres.server().halt();
    try {
      for (const path of [
        '/admin',
        '/admin/conversations/served-by-a',
        '/admin/a-relire',
        '/admin/statistiques',
        '/admin/export.csv',
      ]) {
        const r = await fetch(`${a.url}${path}`, { headers: { cookie: cookieA } });
        expect(r.status, path).toBe(503);
        expect(await r.text()).toContain('La base de données ne répond pas');
      }
    } finally {
      await postgres.server().resume();
    }
    expect(await get(a, cookieA, '/admin')).toContain('/admin/conversations/served-by-b');
  }, 120_000);
});

describe.skipIf(postgresMissing)('PostgreSQL stops while learners talk', () => {
  const bots: InProcessBot[] = [];
  // A failed test must not leave the database down for the next one.
  afterEach(async () => {
    await postgres.server().resume();
  });
  afterAll(async () => {
    for (const b of bots) await b.stop();
  });

  async function bot(): Promise<{ b: InProcessBot; pool: pg.Pool; journal: string }> {
    const pool = await postgres.pool(await postgres.server().createDatabase());
    const file = join(tempDir('pg-down-'), 'transcripts.sqlite');
    const b = await startInProcessBot({ transcriptsFile: file, transcriptsPool: pool });
    bots.push(b);
    return { b, pool, journal: `${file}.journal` };
  }

  it('learners still get answers; every entry waits in the journal and is written when the database is back, in order, none lost', async () => {
    const { b, pool, journal } = await bot();
    const { recorder } = b.transcripts!;
    const conv = 'pg-down';
    await postMessage(b.url, connector.url, conv, "combien coûte l'inscription ?");
    await recorder.idle();
    const before = await rows(pool);
    expect(before).toBeGreaterThanOrEqual(2);

    await postgres.server().halt();
    const during = ["c'est quand l'examen ?", 'merci', "et ça dure combien de temps l'épreuve ?"];
    for (const text of during) {
      const r = await postMessage(b.url, connector.url, conv, text);
      expect(r.status).toBe(200);
    }
    // Answered as usual (the conversation state is not in this database here).
    expect(texts(conv)).toHaveLength(4);
    expect(texts(conv).slice(1).join('\n')).toMatch(/juin/);
    expect(texts(conv).at(-1)).toMatch(/2 h 30/);
    await recorder.idle();
    // Everything of those turns waits on disk, redacted, with how each message was read.
    expect(existsSync(journal)).toBe(true);
    const waiting = recorder.waiting();
    const spooled = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { direction?: string; text?: string; reading?: { kind?: string } });
    expect(spooled.filter((l) => l.direction === 'in').map((l) => l.text)).toEqual(during);
    expect(waiting).toBe(spooled.filter((l) => l.direction).length);
    expect(waiting).toBeGreaterThanOrEqual(2 * during.length);
    const readings = spooled.filter((l) => l.reading).map((l) => l.reading!.kind);
    expect(readings).toHaveLength(during.length);
    expect(b.logs.messages()).toContain('transcript store refuses writes: entries spooled to the journal');
    expect(await recorder.flush()).toBe(false);

    await postgres.server().resume();
    expect(await recorder.flush()).toBe(true);
    expect(existsSync(journal)).toBe(false);
    expect(recorder.waiting()).toBe(0);
    expect(b.logs.messages()).toContain('transcript store writable again: spooled entries written');
    // Counted in the database: the rows before, plus every entry that waited — none lost, none twice.
    expect(await rows(pool)).toBe(before + waiting);
    const all = await new PostgresTranscriptStore(pool).activities(conv);
    expect(all.filter((e) => e.direction === 'in').map((e) => e.text)).toEqual([
      "combien coûte l'inscription ?",
      ...during,
    ]);
    expect(all.filter((e) => e.direction === 'out' && e.type === 'message')).toHaveLength(texts(conv).length);
    const times = all.map((e) => e.at.getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // The readings journaled beside the messages reached their rows: the list counts questions as such.
    expect(
      all
        .filter((e) => e.direction === 'in')
        .slice(1)
        .map((e) => e.kind),
    ).toEqual(readings);
    const [summary] = await new PostgresTranscriptStore(pool).conversations();
    expect(summary).toMatchObject({
      conversationId: conv,
      questions: all.filter((e) => e.direction === 'in' && e.kind === 'question').length,
    });
    expect(summary!.questions).toBeGreaterThanOrEqual(2);
  });

  it('stop() (SIGTERM) writes what waits once the database answers; a database still down keeps the journal for the next start', async () => {
    const { b, pool, journal } = await bot();
    await postgres.server().halt();
    await postMessage(b.url, connector.url, 'pg-down-stop', "combien coûte l'inscription ?");
    await postMessage(b.url, connector.url, 'pg-down-stop', 'merci');
    expect(texts('pg-down-stop')).toHaveLength(2);
    await b.transcripts!.recorder.idle();
    const waiting = b.transcripts!.recorder.waiting();
    expect(waiting).toBeGreaterThanOrEqual(4);
    await postgres.server().resume();
    await b.stop();
    bots.splice(bots.indexOf(b), 1);
    expect(existsSync(journal)).toBe(false);
    expect(await rows(pool, "conversation_id = 'pg-down-stop'")).toBe(waiting);

    // Down at stop: the journal stays, and the next start writes it.
    const second = await bot();
    await postgres.server().halt();
    await postMessage(second.b.url, connector.url, 'pg-down-restart', "combien coûte l'inscription ?");
    await second.b.transcripts!.recorder.idle();
    const left = second.b.transcripts!.recorder.waiting();
    await second.b.stop();
    bots.splice(bots.indexOf(second.b), 1);
    expect(existsSync(second.journal)).toBe(true);
    expect(second.b.logs.messages()).toContain(
      'transcript store still refuses writes: entries wait in the journal for the next start',
    );
    await postgres.server().resume();
    const again = await startInProcessBot({
      transcriptsFile: second.journal.replace(/\.journal$/, ''),
      transcriptsPool: second.pool,
    });
    bots.push(again);
    expect(existsSync(second.journal)).toBe(false);
    expect(await rows(second.pool, "conversation_id = 'pg-down-restart'")).toBe(left);
  });

  it('a database that stops answering (no refusal, no reply) holds no turn; at stop what is still in memory goes to the journal', async () => {
    // A server that accepts connections and never says a word, with no connection timeout: every write hangs.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const pool = new pg.Pool({
      connectionString: `postgres://assistant@127.0.0.1:${(silent.address() as AddressInfo).port}/none`,
      connectionTimeoutMillis: 0,
    });
    pool.on('error', () => {});
    const file = join(tempDir('pg-silent-'), 'transcripts.sqlite');
    const b = await startInProcessBot({ transcriptsFile: file, transcriptsPool: pool });
    try {
      for (const text of ["combien coûte l'inscription ?", "c'est quand l'examen ?"]) {
        const r = await postMessage(b.url, connector.url, 'pg-silent', text);
        expect(r.status).toBe(200);
      }
      // Both answered while the first write still waits for the database.
      expect(texts('pg-silent')).toHaveLength(2);
      const waiting = b.transcripts!.recorder.waiting();
      expect(waiting).toBeGreaterThanOrEqual(4);
      expect(existsSync(`${file}.journal`)).toBe(false);
      await b.stop();
      const journaled = readFileSync(`${file}.journal`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { direction?: string; text?: string });
      expect(journaled.filter((l) => l.direction)).toHaveLength(waiting);
      expect(journaled.filter((l) => l.direction === 'in').map((l) => l.text)).toEqual([
        "combien coûte l'inscription ?",
        "c'est quand l'examen ?",
      ]);
      expect(b.logs.messages()).toContain(
        'transcript store does not answer at stop: entries written to the journal for the next start',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      void pool.end();
    }
  }, 60_000);
});
