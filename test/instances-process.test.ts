import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector, startBot, type RunningBot } from './server-process.ts';
import { postMessage } from './in-process-bot.ts';
import { Conversation, folded } from './helpers.ts';
import { ownPostgresForThisFile, postgresMissing } from './postgres-server.ts';
import { PASSWORD, sessionCookie, signIn } from './console-app.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { PostgresStaffAccounts } from '../src/console/postgres-staff.ts';

/**
 * Two real bot processes (as `npm start` runs them: scripts/start.js) on one real PostgreSQL, as behind a load balancer: a
 * learner's messages reach either instance, sometimes both at once.
 */
const connector = new StandInConnector();
// A server of this file's own: a test stops it (the run's server is shared by the files running beside).
const { server } = ownPostgresForThisFile();
const bots: RunningBot[] = [];
let databaseUrl = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  if (postgresMissing) return;
  await connector.start();
  databaseUrl = await server().createDatabase();
  env = { DATABASE_URL: databaseUrl, ASSISTANT_TODAY: '2026-11-26', LOG_LEVEL: 'info' };
  // One after the other: the second start finds the migrations applied (the first one ran them).
  bots.push(await startBot(env));
  bots.push(await startBot(env));
}, 200_000);

afterAll(async () => {
  for (const b of bots) await b.stop();
  await connector.stop();
});

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));

/** The replies one process gives to these messages, in this order (the reference for any interleaving). */
async function serial(...messages: string[]): Promise<string[]> {
  const c = new Conversation();
  let replies: string[] = [];
  for (const m of messages) replies = (await c.say(m)).map((a) => folded(String(a.text)));
  return replies;
}

describe.skipIf(postgresMissing)('two instances on one PostgreSQL', () => {
  it("a learner's dialog goes on whichever instance serves each message", async () => {
    const [a, b] = [bots[0]!, bots[1]!];
    const conv = 'across-instances';
    await postMessage(a.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');
    await postMessage(b.url, connector.url, conv, 'oui');
    expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee \?/);
    const before = texts(conv).length;
    await postMessage(a.url, connector.url, conv, 'en juin 2026');
    const after = texts(conv).slice(before);
    // The end date was the answer to « Quand l'avez-vous terminée ? », as in one uninterrupted process.
    expect(after.join('\n')).toMatch(/dans quel departement habitez-vous/);
    expect(after).toEqual(await serial("je veux m'inscrire", 'oui', 'en juin 2026'));
  });

  it('two messages of one conversation at once on the two instances: each answered once, as in some serial order', async () => {
    const [a, b] = [bots[0]!, bots[1]!];
    const orders = [
      await serial("je veux m'inscrire", 'oui', 'pas encore'),
      await serial("je veux m'inscrire", 'pas encore', 'oui'),
    ];
    const firsts = [await serial("je veux m'inscrire", 'oui'), await serial("je veux m'inscrire", 'pas encore')];
    const conversations = Array.from({ length: 8 }, (_, i) => `interleaved-${i}`);
    for (const conv of conversations)
      await postMessage((conv.endsWith('0') ? a : b).url, connector.url, conv, "je veux m'inscrire");
    const started = new Map(conversations.map((c) => [c, texts(c).length]));
    // For every conversation, « oui » to one instance and « pas encore » to the other, at the same moment.
    const statuses = await Promise.all(
      conversations.flatMap((conv, i) => [
        postMessage((i % 2 ? a : b).url, connector.url, conv, 'oui').then((r) => r.status),
        postMessage((i % 2 ? b : a).url, connector.url, conv, 'pas encore').then((r) => r.status),
      ]),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    for (const conv of conversations) {
      const replies = texts(conv).slice(started.get(conv));
      expect(replies.some((t) => /desole, un probleme technique/.test(t))).toBe(false);
      // The first turn saved answered on the dialog's state; the other ran on what it left (again if
      // it lost the eTag race): together, the replies of one of the two serial orders, nothing twice.
      // Sorted: the two instances post their replies to the connector independently, so they may
      // arrive in either order even though the turns were not.
      const sorted = (list: string[]) => JSON.stringify([...list].sort());
      const matches = [0, 1].filter((o) => sorted(replies) === sorted([...firsts[o]!, ...orders[o]!]));
      expect(matches, `${conv}: ${JSON.stringify(replies)}`).toHaveLength(1);
    }
    const reruns = bots
      .map((bot) => (bot.output().match(/running the turn again/g) ?? []).length)
      .reduce((x, y) => x + y, 0);
    // Not asserted: whether the two turns overlapped is up to the scheduler. Reported for the record.
    console.info(`eTag conflicts re-run across the two instances: ${reruns}`);
  });

  it('a staff session opened on one instance is valid on the other, and signing out there ends it on both', async () => {
    const [a, b] = [bots[0]!, bots[1]!];
    const pool = await openPostgres(databaseUrl);
    await new PostgresStaffAccounts(pool).add('claire', PASSWORD);
    await pool.end();
    const cookie = await sessionCookie(a.url);
    const page = (url: string) =>
      fetch(`${url}/admin`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    expect((await page(a.url)).status).toBe(200);
    const onB = await page(b.url);
    expect(onB.status).toBe(200);
    const csrf = (await onB.text()).match(/name="csrf" value="([^"]+)"/)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const out = await fetch(`${b.url}/admin/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect([out.status, out.headers.get('location')]).toEqual([303, '/admin/login']);
    expect((await page(a.url)).headers.get('location')).toBe('/admin/login');
  });

  it("transcripts are shared: each instance's console lists and shows what the other recorded, a conversation spread over both in order", async () => {
    const [a, b] = [bots[0]!, bots[1]!];
    await postMessage(a.url, connector.url, 'transcript-on-a', "combien dure l'épreuve ?");
    await postMessage(b.url, connector.url, 'transcript-on-b', 'quelle est la capitale du Pérou ?');
    const cookie = await sessionCookie(b.url);
    const page = async (url: string, path: string) => (await fetch(`${url}${path}`, { headers: { cookie } })).text();
    // The recorder writes after the reply: wait (briefly) until the other instance's rows are there.
    const eventually = async (read: () => Promise<string>, expected: string) => {
      const deadline = Date.now() + 10_000;
      let last = await read();
      while (!last.includes(expected) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        last = await read();
      }
      return last;
    };
    for (const bot of [a, b]) {
      const list = await eventually(() => page(bot.url, '/admin'), '/admin/conversations/transcript-on-b');
      for (const id of ['transcript-on-a', 'transcript-on-b', 'across-instances'])
        expect(list).toContain(`/admin/conversations/${id}`);
    }
    // The first test's dialog: its three messages went to a, b, a; each console shows them in that order.
    for (const bot of [a, b]) {
      const shown = await page(bot.url, '/admin/conversations/across-instances');
      const at = ['je veux m&#39;inscrire', '>oui<', 'en juin 2026'].map((t) => shown.indexOf(t));
      expect(
        at.every((i) => i > 0),
        JSON.stringify(at),
      ).toBe(true);
      expect([...at].sort((x, y) => x - y)).toEqual(at);
    }
  });

  it('sign-in failures are counted across instances: 5 wrong passwords spread over both lock the pair on both', async () => {
    const [a, b] = [bots[0]!, bots[1]!];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await signIn((i % 2 ? a : b).url, 'claire', 'pas-le-bon-mot-de-passe')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const bot of [a, b]) {
      const refused = await signIn(bot.url, 'claire', PASSWORD);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('an instance killed (kill -9) in the middle of a dialog: another one goes on from the step saved', async () => {
    // A third instance of its own: the two others serve the tests after this one.
    const c = await startBot(env);
    try {
      const conv = 'killed-instance';
      await postMessage(c.url, connector.url, conv, "je veux m'inscrire");
      await postMessage(c.url, connector.url, conv, 'oui');
      expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee \?/);
      // Replies leave once the state is saved: nothing of the dialog waited in the killed process.
      await c.crash();
      expect(await c.exited).toBe('SIGKILL');
      const before = texts(conv).length;
      await postMessage(bots[1]!.url, connector.url, conv, 'en juin 2026');
      // The end date read as the answer to « Quand l'avez-vous terminée ? »: the next step is asked.
      expect(texts(conv).slice(before).join('\n')).toMatch(/dans quel departement habitez-vous/);
    } finally {
      await c.stop();
    }
  }, 120_000);

  it('the database down while an instance answers: its transcript entries wait in its journal, and SIGTERM writes them once the database is back', async () => {
    const a = bots[0]!;
    await server().halt();
    try {
      // The conversation state is in the database too: the learner is answered without it, told first
      // that nothing of the exchange is remembered meanwhile (test/state-outage.test.ts: the whole path).
      const r = await postMessage(a.url, connector.url, 'database-down', "combien dure l'épreuve ?");
      expect(r.status).toBe(200);
      expect(texts('database-down')).toEqual([
        expect.stringMatching(/^un probleme technique m'empeche pour l'instant de retenir notre echange/),
        expect.stringMatching(/2 h 30/),
      ]);
    } finally {
      await server().resume();
    }
    await a.stop();
    expect(await a.exited).toBe(0);
    const pool = await openPostgres(databaseUrl);
    try {
      const { rows } = await pool.query<{ direction: string; type: string; text: string }>(
        "SELECT direction, type, text FROM transcript_activities WHERE conversation_id = 'database-down' ORDER BY seq",
      );
      // What the learner was told, in the order they were told it, written from the journal.
      expect(rows.map((row) => `${row.direction}:${row.type}`)).toEqual(['in:message', 'out:message', 'out:message']);
      expect(rows[0]!.text).toBe("combien dure l'épreuve ?");
      expect(rows[2]!.text).toMatch(/2 h 30/);
    } finally {
      await pool.end();
    }
  });

  it('SIGTERM with 20 turns in flight: each answered once and recorded in the database, exit 0', async () => {
    const b = bots[1]!;
    // A channel taking 2 s to accept each reply: the turns are still running when the signal comes (the
    // incoming entries reach PostgreSQL through the recorder's queue, later than SQLite has them).
    const slow = new StandInConnector('127.0.0.1', 2000);
    await slow.start();
    const pool = await openPostgres(databaseUrl);
    try {
      const ours = "conversation_id LIKE 'sigterm-pg-%'";
      const count = async (direction: string) =>
        Number(
          (
            await pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM transcript_activities WHERE direction = $1 AND ${ours}`,
              [direction],
            )
          ).rows[0]!.n,
        );
      // The test before halted the database: this instance's recorder may still be resting (entries go to
      // its journal for a few seconds after a refused write). A first message recorded says it writes again.
      await postMessage(b.url, connector.url, 'sigterm-warm-up', 'bonjour');
      const warm = async () =>
        Number(
          (
            await pool.query<{ n: string }>(
              "SELECT count(*) AS n FROM transcript_activities WHERE conversation_id = 'sigterm-warm-up'",
            )
          ).rows[0]!.n,
        );
      for (const deadline = Date.now() + 30_000; (await warm()) === 0 && Date.now() < deadline;) {
        await postMessage(b.url, connector.url, 'sigterm-warm-up', 'merci');
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(await warm()).toBeGreaterThan(0);
      // 10 conversations, two messages each: the second of each waits behind the first.
      const questions = ["combien coûte l'inscription ?", "c'est quand l'examen ?"];
      const sent = Array.from({ length: 20 }, (_, i) =>
        postMessage(b.url, slow.url, `sigterm-pg-${i % 10}`, questions[Math.floor(i / 10)]!, `learner-${i % 10}`),
      );
      // Every message reached the bot (recorded on arrival, written by the recorder's queue) before the signal.
      for (const deadline = Date.now() + 30_000; (await count('in')) < 20 && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 20));
      expect(await count('in')).toBe(20);
      expect(slow.received.length).toBeLessThan(20); // turns are still running
      process.kill(b.pid, 'SIGTERM');
      for (
        const deadline = Date.now() + 30_000;
        !/stopping: no new requests/.test(b.output()) && Date.now() < deadline;
      )
        await new Promise((r) => setTimeout(r, 10));
      const late = await fetch(`${b.url}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect(late).not.toBe(200);

      const responses = await Promise.all(sent);
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(await b.exited).toBe(0);
      // Every message got its answer, once, and everything in and out is in the database.
      const answered = slow.received.filter((r) => r.activity.type === 'message').map((r) => r.activity.replyToId);
      expect(answered).toHaveLength(20);
      expect(new Set(answered).size).toBe(20);
      expect([await count('in'), await count('out')]).toEqual([20, 20]);
    } finally {
      await pool.end();
      await slow.stop();
    }
  }, 120_000);
});
