import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from './server-process.ts';
import { postMessage } from './in-process-bot.ts';

/** A channel whose connector takes `delayMs` to accept each reply: turns stay in flight that long. */
async function slowConnector(delayMs: number): Promise<{ url: string; replies: Record<string, unknown>[]; close: () => Promise<void> }> {
  const replies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => setTimeout(() => {
      replies.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `r-${replies.length}` }));
    }, delayMs));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, replies, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let bot: RunningBot | undefined;
afterAll(async () => { await bot?.stop(); });

describe('SIGTERM under load', () => {
  it('stops accepting, finishes the turns in flight (replies sent, transcripts written), exits 0', async () => {
    const connector = await slowConnector(250);
    const dir = mkdtempSync(join(tmpdir(), 'bot-sigterm-'));
    const transcripts = join(dir, 'transcripts.sqlite');
    bot = await startBot({ ASSISTANT_TODAY: '2026-11-26', LOG_LEVEL: 'info', TRANSCRIPTS_FILE: transcripts, STATE_FILE: join(dir, 'state.sqlite'), STAFF_FILE: join(dir, 'staff.sqlite') });
    // 10 conversations, two messages each: the second of each waits behind the first (one turn at a time).
    const questions = ["combien coûte l'inscription ?", "c'est quand l'examen ?"];
    const sent = Array.from({ length: 20 }, (_, i) => postMessage(bot!.url, connector.url, `sigterm-${i % 10}`, questions[Math.floor(i / 10)]!, `learner-${i % 10}`));
    // Every message reached the bot (recorded on arrival) before the signal.
    const db = new Database(transcripts, { readonly: true, fileMustExist: true });
    const inbound = () => (db.prepare("SELECT count(*) AS n FROM activities WHERE direction = 'in'").get() as { n: number }).n;
    const deadline = Date.now() + 15_000;
    while (inbound() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(inbound()).toBe(20);
    expect(connector.replies.length).toBeLessThan(20); // turns are still running
    process.kill(bot.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    // Stopping: a new request is refused (503, or the port closed), never served.
    const late = await fetch(`${bot.url}/healthz`).then((r) => r.status, () => 'refused');
    expect(late).not.toBe(200);

    const responses = await Promise.all(sent);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await bot.exited).toBe(0);
    // Every message got its answer, once.
    const answered = connector.replies.filter((a) => a.type === 'message').map((a) => a.replyToId);
    expect(new Set(answered).size).toBe(20);
    expect(answered).toHaveLength(20);
    // …and every activity in and out is in the transcripts.
    const counts = db.prepare('SELECT direction, count(*) AS n FROM activities GROUP BY direction').all() as { direction: string; n: number }[];
    db.close();
    expect(Object.fromEntries(counts.map((c) => [c.direction, c.n]))).toEqual({ in: 20, out: 20 });
    expect(bot.output()).toMatch(/"msg":"stopped"/);
    await connector.close();
  });
});
