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

beforeAll(async () => {
  if (postgresMissing) return;
  await connector.start();
  const env = { DATABASE_URL: await server().createDatabase(), ASSISTANT_TODAY: '2026-11-26', LOG_LEVEL: 'info' };
  databaseUrl = env.DATABASE_URL;
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

  it('the database down while an instance answers: its transcript entries wait in its journal, and SIGTERM writes them once the database is back', async () => {
    const a = bots[0]!;
    await server().halt();
    try {
      // The conversation state is in the database too: the turn fails (and its apology with it: sending
      // reads the state), and is recorded all the same.
      const r = await postMessage(a.url, connector.url, 'database-down', "combien dure l'épreuve ?");
      expect(r.status).toBeLessThan(500);
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
      expect(rows.slice(0, 2).map((row) => `${row.direction}:${row.type}`)).toEqual(['in:message', 'out:error']);
      expect(rows[0]!.text).toBe("combien dure l'épreuve ?");
    } finally {
      await pool.end();
    }
  });
});
