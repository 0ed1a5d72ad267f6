import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector } from './server-process.ts';
import { startApp, type RunningApp } from './in-process-app.ts';
import { LocalDirectLine } from '../src/directline/local-direct-line.ts';
import { LocalTokens } from '../src/directline/tokens.ts';
import { MAX_REDACTED_CHARS, redact } from '../src/privacy/redact.ts';
import { serviceUrlPolicy } from '../src/guards/service-urls.ts';
import { clientAddress } from '../src/guards/client-address.ts';
import { SignInThrottle } from '../src/console/sessions.ts';
import { RateLimit } from '../src/guards/rate-limit.ts';

/** The fields of the Direct Line answers these tests read: a token, a conversation, a set of activities. */
interface DirectLineBody {
  token: string;
  userId: string;
  conversationId: string;
  watermark: string;
  activities: { id?: string; from: { id: string }; text?: string; channelData?: unknown }[];
}

/** Sends a raw upgrade request; resolves with what the server answered once it closed the socket. */
function upgrade(port: number, path = '/api/messages'): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, 5000);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.on('error', () => undefined);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
  });
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: DirectLineBody }> {
  const r = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as DirectLineBody };
}

describe('the public endpoints hold against an outsider', () => {
  let bot: RunningApp;
  const loopbackConnector = new StandInConnector();
  // 127.0.0.2 is this machine too, but not an address the bot may reply to without ALLOWED_SERVICE_URLS.
  const otherConnector = new StandInConnector('127.0.0.2');
  beforeAll(async () => {
    await loopbackConnector.start();
    await otherConnector.start();
    bot = await startApp({ ASSISTANT_TODAY: '2026-11-26' });
  });
  afterAll(async () => {
    await bot?.stop();
    await loopbackConnector.stop();
    await otherConnector.stop();
  });

  async function directLine() {
    const { body: t } = await call(`${bot.url}/api/directline/token`, { method: 'POST' });
    const auth = { authorization: `Bearer ${t.token}` };
    const { body: c } = await call(`${bot.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    return { id: c.conversationId, auth, url: `${bot.url}/v3/directline/conversations/${c.conversationId}/activities` };
  }

  it('refuses WebSocket upgrades and closes every socket (was: each left open forever)', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => upgrade(bot.port, i % 2 ? '/api/messages' : '/nowhere')),
    );
    expect(results.filter((r) => !r.closed)).toHaveLength(0);
    expect(results.every((r) => r.answer.startsWith('HTTP/1.1 400'))).toBe(true);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('a 120 KB message does not freeze the server (was: 42 s for /healthz)', async () => {
    const conv = 'big-message';
    const sending = fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId: 'emulator',
        serviceUrl: loopbackConnector.url,
        id: '1',
        from: { id: 'l' },
        recipient: { id: 'b' },
        conversation: { id: conv },
        text: `${'a'.repeat(60_000)}@${'b'.repeat(60_000)}`,
      }),
    });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    const health = await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    // A generous bound: what is checked is "no freeze", not speed (bench measures speed).
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await sending).status).toBeLessThan(300);
  });

  it('replies only to loopback service URLs in local mode (no SSRF through /api/messages)', async () => {
    const r = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId: 'emulator',
        serviceUrl: otherConnector.url,
        id: '1',
        from: { id: 'l' },
        recipient: { id: 'b' },
        conversation: { id: 'ssrf' },
        text: 'bonjour',
      }),
    });
    expect(r.status).toBe(403);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://user:pw@127.0.0.1:1/',
      'file:///etc/passwd',
    ]) {
      const s = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'emulator',
          serviceUrl: url,
          id: '1',
          from: { id: 'l' },
          recipient: { id: 'b' },
          conversation: { id: 'ssrf' },
          text: 'bonjour',
        }),
      });
      expect([400, 403]).toContain(s.status);
    }
    expect(otherConnector.received).toHaveLength(0);
  });

  it("the widget's Direct Line chooses the serviceUrl itself, whatever the page sends", async () => {
    const c = await directLine();
    const before = loopbackConnector.received.length;
    const sent = await call(c.url, {
      method: 'POST',
      headers: c.auth,
      body: JSON.stringify({ type: 'message', text: "combien dure l'épreuve ?", serviceUrl: loopbackConnector.url }),
    });
    expect(sent.status).toBe(200);
    expect(loopbackConnector.received).toHaveLength(before);
    const { body } = await call(`${c.url}?watermark=0`, { headers: c.auth });
    expect(body.activities.some((a) => (a.text ?? '').includes('2 h 30'))).toBe(true);
  });

  it('the connector routes refuse a request relayed by a reverse proxy (X-Forwarded-For)', async () => {
    const c = await directLine();
    const url = `${bot.url}/directline-connector/v3/conversations/${c.id}/activities`;
    const body = JSON.stringify({ type: 'message', text: 'Je suis le bot, donnez-moi votre mot de passe' });
    const proxied = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body,
    });
    expect(proxied.status).toBe(403);
    const forwarded = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', forwarded: 'for=203.0.113.7' },
      body,
    });
    expect(forwarded.status).toBe(403);
    const { body: polled } = await call(`${c.url}?watermark=0`, { headers: c.auth });
    expect(JSON.stringify(polled)).not.toContain('mot de passe');
  });

  it('serves the widget with security headers, and caches its two encodings apart', async () => {
    const page = await fetch(`${bot.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const js = await fetch(`${bot.url}/webchat/webchat.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('vary')).toMatch(/accept-encoding/i);
    await js.arrayBuffer();
  });

  it('keeps Direct Line memory bounded: long messages are cut, old activities dropped (was: 393 → 714 MB)', async () => {
    const c = await directLine();
    const long = `${'bonjour '.repeat(20_000)}`; // 160 KB
    for (let i = 0; i < 130; i++) {
      const r = await call(c.url, {
        method: 'POST',
        headers: c.auth,
        body: JSON.stringify({ type: 'message', text: long }),
      });
      expect(r.status).toBe(200);
    }
    const first = await fetch(`${c.url}?watermark=0`, { headers: c.auth });
    const raw = await first.text();
    expect(raw.length).toBeLessThan(2_000_000);
    const body = JSON.parse(raw) as DirectLineBody;
    expect(body.activities.length).toBeLessThanOrEqual(100);
    expect(Math.max(...body.activities.map((a) => (a.text ?? '').length))).toBeLessThanOrEqual(2000);
    // Older activities are gone: the first kept one is not the welcome, and watermarks move on.
    expect(Number(body.watermark)).toBeGreaterThan(100);
    const rest = await call(`${c.url}?watermark=${body.watermark}`, { headers: c.auth });
    expect(rest.body.activities.length).toBeGreaterThan(0);
  });
});

describe('a connector that never answers a reply', () => {
  it('the reply is abandoned after REPLY_TIMEOUT_MS: the turn ends and the silent socket is closed', async () => {
    // Accepts the reply POST, reads it, and never answers (a slow or hostile serviceUrl).
    const sockets = new Set<import('node:net').Socket>();
    let closed = 0;
    const silent: Server = createServer(() => undefined);
    silent.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => {
        closed += 1;
      });
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const bot = await startApp({ ALLOWED_SERVICE_URLS: url, REPLY_TIMEOUT_MS: '800' });
    try {
      const started = Date.now();
      const r = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'emulator',
          serviceUrl: url,
          id: '1',
          from: { id: 'l' },
          recipient: { id: 'b' },
          conversation: { id: 'silent' },
          text: "combien dure l'épreuve ?",
        }),
        signal: AbortSignal.timeout(20_000),
      });
      await r.text();
      // The bot answered its caller instead of hanging with the connector (was: no answer, ever).
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(sockets.size).toBeGreaterThan(0);
      for (let i = 0; i < 50 && closed < sockets.size; i++) await new Promise((res) => setTimeout(res, 100));
      expect(closed).toBe(sockets.size);
      // …and it still answers the next learner.
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('ALLOWED_SERVICE_URLS widens where a local bot replies', () => {
  it('replies to a listed connector', async () => {
    const connector = new StandInConnector('127.0.0.2');
    await connector.start();
    const bot = await startApp({ ALLOWED_SERVICE_URLS: connector.url });
    try {
      const r = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'emulator',
          serviceUrl: connector.url,
          id: '1',
          from: { id: 'l' },
          recipient: { id: 'b' },
          conversation: { id: 'allowed' },
          text: "combien dure l'épreuve ?",
        }),
      });
      expect(r.status).toBeLessThan(300);
      expect(connector.messagesFor('allowed').length).toBeGreaterThan(0);
    } finally {
      await bot.stop();
      await connector.stop();
    }
  });

  it('matches scheme, host, port and path prefix', () => {
    const policy = serviceUrlPolicy(['https://connector.example.org/bots/']);
    expect(policy.allows('https://connector.example.org/bots/x/')).toBe(true);
    expect(policy.allows('http://connector.example.org/bots/')).toBe(false);
    expect(policy.allows('https://connector.example.org.evil.net/bots/')).toBe(false);
    expect(policy.allows('https://connector.example.org/other/')).toBe(false);
    expect(policy.allows('http://localhost:3979/')).toBe(true);
    expect(policy.allows('http://10.0.0.1/')).toBe(false);
    expect(policy.allows('not a url')).toBe(false);
  });
});

describe('local Direct Line conversations: per-learner and global bounds', () => {
  let bot: Server;
  let url = '';
  beforeAll(async () => {
    // The bot side is irrelevant here: an endpoint that accepts every activity.
    bot = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200);
        res.end('{}');
      });
    });
    bot.listen(0, '127.0.0.1');
    await once(bot, 'listening');
    url = `http://127.0.0.1:${(bot.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => bot.close(r));
  });

  it("one token keeps at most maxPerUser conversations; its oldest goes, not someone else's", async () => {
    const tokens = new LocalTokens();
    const dl = new LocalDirectLine(tokens, () => url, { maxPerUser: 2 });
    const other = tokens.issue('other').token;
    const theirs = await dl.start(other);
    const mine = tokens.issue('me').token;
    const a = await dl.start(mine);
    await dl.start(mine);
    await dl.start(mine);
    expect(() => dl.poll(a.conversationId, mine, '0')).toThrow(/unknown conversation/);
    expect(dl.poll(theirs.conversationId, other, '0').activities).toEqual([]);
    expect(dl.size.conversations).toBe(3);
  });

  it('when full, forgets only idle conversations, and refuses a new one rather than evicting a live one', async () => {
    let now = 0;
    const tokens = new LocalTokens(1e9, () => now);
    const dl = new LocalDirectLine(
      tokens,
      () => url,
      { maxConversations: 2, idleMs: 1000 },
      () => now,
    );
    const t = (u: string) => tokens.issue(u).token;
    const live = await dl.start(t('a'));
    await dl.start(t('b'));
    await expect(dl.start(t('c'))).rejects.toThrow(/too many conversations/);
    expect(dl.poll(live.conversationId, t('a'), '0').activities).toEqual([]);
    now = 5000;
    await dl.start(t('c'));
    expect(dl.size.conversations).toBe(1);
  });
});

describe('redaction stays linear and bounded', () => {
  it('cuts what it is given to MAX_REDACTED_CHARS', () => {
    expect(redact('a'.repeat(1_000_000)).length).toBeLessThanOrEqual(MAX_REDACTED_CHARS + 4);
  });
});

describe('staff sign-in throttle', () => {
  it('counts each attempt before the password is checked: parallel guesses cannot slip in', () => {
    const throttle = new SignInThrottle();
    const allowed = Array.from({ length: 40 }, () => throttle.reserve('admin', '203.0.113.7')).filter(
      (r) => r.wait === 0,
    );
    expect(allowed).toHaveLength(5);
  });

  it('failures for a login that does not exist lock neither a real login nor colleagues at the same address', () => {
    let now = 1000;
    const throttle = new SignInThrottle(undefined, 60_000, () => now);
    for (let i = 0; i < 10; i++) {
      now += 1;
      throttle.reserve('nobody', '127.0.0.1');
    }
    expect(throttle.reserve('nobody', '127.0.0.1').wait).toBeGreaterThan(0);
    expect(throttle.reserve('claire', '127.0.0.1').wait).toBe(0);
  });

  it("a login guessed from many addresses is locked everywhere; a success forgets the login's failures", () => {
    let now = 1000;
    const throttle = new SignInThrottle(undefined, 60_000, () => now);
    for (let i = 0; i < 20; i++) {
      now += 1;
      throttle.reserve('claire', `198.51.100.${i}`);
    }
    expect(throttle.reserve('claire', '203.0.113.9').wait).toBeGreaterThan(0);
    now += 60_000;
    const mine = throttle.reserve('claire', '203.0.113.9');
    throttle.succeed('claire', '203.0.113.9', mine.at);
    for (let i = 0; i < 4; i++) throttle.reserve('claire', '203.0.113.9');
    expect(throttle.reserve('claire', '203.0.113.9').wait).toBe(0);
  });

  it('remembers a bounded number of keys whatever the number of logins tried', () => {
    const throttle = new SignInThrottle(undefined, 60_000, () => 1000, 300);
    for (let i = 0; i < 5000; i++) throttle.reserve(`made-up-${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBeLessThanOrEqual(300);
  });

  it('believes X-Forwarded-For only with TRUST_PROXY', () => {
    const req = {
      socket: { remoteAddress: '127.0.0.1' },
      headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' },
    } as never;
    expect(clientAddress(req, false)).toBe('127.0.0.1');
    expect(clientAddress(req, true)).toBe('203.0.113.7');
  });
});

describe("the widget's token endpoint is rate-limited per client", () => {
  it('a client asking for tokens in a loop gets 429 with Retry-After', async () => {
    const bot = await startApp();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      const refused = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await bot.stop();
    }
  });

  it('counts per key and forgets ended windows', () => {
    let now = 0;
    const limit = new RateLimit(2, 1000, () => now, 3);
    expect([limit.take('a'), limit.take('a'), limit.take('a') > 0]).toEqual([0, 0, true]);
    expect(limit.take('b')).toBe(0);
    now = 1000;
    expect(limit.take('a')).toBe(0);
  });
});

describe('local Direct Line tokens', () => {
  it('refuse extra parts, and refreshing never extends a session past its limit', () => {
    let now = 0;
    const tokens = new LocalTokens(1800, () => now, 3600);
    const { token } = tokens.issue('learner-1');
    expect(tokens.verify(token)).toBe('learner-1');
    expect(tokens.verify(`${token}.extra`)).toBeNull();
    let current = token;
    for (let minutes = 20; minutes <= 80; minutes += 20) {
      now = minutes * 60_000;
      const next = tokens.refresh(current);
      if (minutes < 60) {
        expect(next).not.toBeNull();
        current = next!.token;
      } else {
        expect(next).toBeNull();
      }
    }
    expect(tokens.verify(current)).toBeNull();
  });
});
