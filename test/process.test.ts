import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector, startBot, type RunningBot } from './server-process.ts';
import { postMessage } from './in-process-bot.ts';
import { startApp } from './in-process-app.ts';
import { folded } from './helpers.ts';
import { dataFiles, tempDir } from './temp.ts';

/**
 * `npm start` as a process (scripts/start.js): what only a process shows — a kill -9 in the middle of a
 * dialog, a restart on the same files, SIGTERM with turns in flight and the exit code. Two starts in
 * all: the process restarted after the kill is the one stopped by SIGTERM.
 */
const connector = new StandInConnector();
const dir = tempDir('bot-process-');
// The same files across restarts, as a deployed server has.
const env = {
  ASSISTANT_TODAY: '2026-11-26',
  LOG_LEVEL: 'info',
  ...dataFiles(dir),
};
let bot: RunningBot | undefined;
const running = () => bot !== undefined && bot.exitCode() === null;

beforeAll(async () => {
  await connector.start();
});
afterAll(async () => {
  await bot?.stop();
  await connector.stop();
});

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));

/** A channel whose connector takes `delayMs` to accept each reply: turns stay in flight that long. */
async function slowConnector(
  delayMs: number,
): Promise<{ url: string; replies: Record<string, unknown>[]; close: () => Promise<void> }> {
  const replies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () =>
      setTimeout(() => {
        replies.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `r-${replies.length}` }));
      }, delayMs),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('a learner keeps their place in a dialog', () => {
  it("across kill -9 and a restart: « je veux m'inscrire » → « oui » → crash → « en juin 2026 » continues", async () => {
    const conv = 'persist-kill-9';
    bot = await startBot(env);
    await postMessage(bot.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');
    await postMessage(bot.url, connector.url, conv, 'oui');
    expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee \?/);
    // The reply left after the state was saved (replies wait for the save): nothing to flush.
    await bot.crash();
    expect(await bot.exited).toBe('SIGKILL');

    bot = await startBot(env);
    // The restart read the checked data and the trained understanding back from the first start's cache.
    expect(bot.output()).toMatch(/"kind":"understanding".*"msg":"start cache: read back"/);
    const before = texts(conv).length;
    await postMessage(bot.url, connector.url, conv, 'en juin 2026');
    const after = texts(conv).slice(before).join('\n');
    expect(after).not.toMatch(/vouliez-vous dire/);
    // The end date was read as the answer to « Quand l'avez-vous terminée ? »: the next step is asked…
    expect(after).toMatch(/dans quel departement habitez-vous/);
    // …and the summary that ends the dialog holds the plan computed from that date.
    const count = texts(conv).length;
    await postMessage(bot.url, connector.url, conv, '69');
    // On the Emulator the summary is an Adaptive Card: its text is in the card.
    const summary = connector
      .messagesFor(conv)
      .slice(count)
      .map((a) => folded(JSON.stringify(a.attachments ?? [])))
      .join('\n');
    expect(summary).toMatch(/juin 2027[\s\S]*lyon/);
    // The restarted process serves the next test, which stops it (exit code 0 checked there).
  }, 180_000);

  it('after STATE_TTL_HOURS of silence, a conversation starts afresh', async () => {
    // An hour to live, and the state store's clock moved past it (buildApp's stateClock) rather than
    // waited for. Not about the process: the app npm start serves, in this one, on files of its own.
    const conv = 'persist-expired';
    let now = Date.now();
    const app = await startApp(
      { ASSISTANT_TODAY: '2026-11-26', STATE_TTL_HOURS: '1' },
      { stateClock: () => new Date(now) },
    );
    await postMessage(app.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');
    now += 3_600_000 + 1;
    const before = texts(conv).length;
    await postMessage(app.url, connector.url, conv, 'oui');
    // « oui » is no longer the answer to a question asked: it is read as a new message.
    expect(texts(conv).slice(before).join('\n')).not.toMatch(/quand l'avez-vous terminee/);
    await app.stop();
  }, 60_000);
});

describe('SIGTERM under load', () => {
  it('stops accepting, finishes the turns in flight (replies sent, transcripts written), exits 0', async () => {
    const slow = await slowConnector(250);
    if (!running()) bot = await startBot(env);
    const b = bot!;
    // Only this test's conversations are counted (the process served others before).
    const ours = "conversation_id LIKE 'sigterm-%'";
    // 10 conversations, two messages each: the second of each waits behind the first (one turn at a time).
    const questions = ["combien coûte l'inscription ?", "c'est quand l'examen ?"];
    const sent = Array.from({ length: 20 }, (_, i) =>
      postMessage(b.url, slow.url, `sigterm-${i % 10}`, questions[Math.floor(i / 10)]!, `learner-${i % 10}`),
    );
    // Every message reached the bot (recorded on arrival) before the signal.
    const db = new Database(env.TRANSCRIPTS_FILE, { readonly: true, fileMustExist: true });
    const inbound = () =>
      (db.prepare(`SELECT count(*) AS n FROM activities WHERE direction = 'in' AND ${ours}`).get() as { n: number }).n;
    const deadline = Date.now() + 15_000;
    while (inbound() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(inbound()).toBe(20);
    expect(slow.replies.length).toBeLessThan(20); // turns are still running
    process.kill(b.pid, 'SIGTERM');
    // Once the process has taken the signal (waiting for that, not a fixed time, keeps the test right on
    // a loaded machine)…
    for (const deadline = Date.now() + 30_000; !/stopping: no new requests/.test(b.output()) && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 10));
    // …a new request is refused (503, or the port closed), never served.
    const late = await fetch(`${b.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(late).not.toBe(200);

    const responses = await Promise.all(sent);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await b.exited).toBe(0);
    // Every message got its answer, once.
    const answered = slow.replies.filter((a) => a.type === 'message').map((a) => a.replyToId);
    expect(new Set(answered).size).toBe(20);
    expect(answered).toHaveLength(20);
    // …and every activity in and out is in the transcripts.
    const counts = db
      .prepare(`SELECT direction, count(*) AS n FROM activities WHERE ${ours} GROUP BY direction`)
      .all() as { direction: string; n: number }[];
    db.close();
    expect(Object.fromEntries(counts.map((c) => [c.direction, c.n]))).toEqual({ in: 20, out: 20 });
    expect(b.output()).toMatch(/"msg":"stopped"/);
    await slow.close();
  }, 180_000);
});
