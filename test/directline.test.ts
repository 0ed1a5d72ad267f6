import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './in-process-app.ts';

/** The fields of the Direct Line answers these tests read: a token, a conversation, a set of activities. */
interface DirectLineBody {
  token: string;
  userId: string;
  conversationId: string;
  watermark: string;
  activities: { id?: string; from: { id: string }; text?: string; channelData?: unknown }[];
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: DirectLineBody }> {
  const r = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as DirectLineBody };
}

describe('local Direct Line (website widget without Azure)', () => {
  let bot: RunningApp;
  beforeAll(async () => {
    bot = await startApp({ ASSISTANT_TODAY: '2026-11-26' });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  async function conversation() {
    const { body: t } = await call(`${bot.url}/api/directline/token`, { method: 'POST' });
    const auth = { authorization: `Bearer ${t.token}` };
    const { status, body: c } = await call(`${bot.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(status).toBe(201);
    return { token: t.token, userId: t.userId, id: c.conversationId, auth };
  }

  it('serves the page and Web Chat from this server', async () => {
    const page = await fetch(`${bot.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('src="/webchat/webchat.js"');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    const js = await fetch(`${bot.url}/webchat/webchat.js`);
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it("welcomes once, answers, and speaks as the token's user whatever the page claims", async () => {
    const c = await conversation();
    const sent = await call(`${bot.url}/v3/directline/conversations/${c.id}/activities`, {
      method: 'POST',
      headers: c.auth,
      body: JSON.stringify({ type: 'message', text: "combien dure l'épreuve ?", from: { id: 'someone-else' } }),
    });
    expect(sent.status).toBe(200);
    const { body } = await call(`${bot.url}/v3/directline/conversations/${c.id}/activities?watermark=0`, {
      headers: c.auth,
    });
    const texts = body.activities.map((a) => `${a.from.id}: ${a.text ?? ''}`);
    expect(texts.filter((t) => t.includes("Je suis l'assistant"))).toHaveLength(1);
    expect(texts.some((t) => t.startsWith(`${c.userId}: combien dure`))).toBe(true);
    expect(texts.some((t) => t.includes('2 h 30'))).toBe(true);
    expect(texts.some((t) => t.startsWith('someone-else'))).toBe(false);
    // The browser gets the replies, not how the server understood the question (issue 14, point 7).
    for (const a of body.activities)
      expect(JSON.stringify(a.channelData ?? {})).not.toMatch(/"(answer|dialog|intent|entryId)"/);
    // The watermark only returns what is new.
    const again = await call(`${bot.url}/v3/directline/conversations/${c.id}/activities?watermark=${body.watermark}`, {
      headers: c.auth,
    });
    expect(again.body.activities).toHaveLength(0);
  });

  it('refuses a missing, forged or foreign token, and refreshes a valid one', async () => {
    const c = await conversation();
    const other = await conversation();
    const url = `${bot.url}/v3/directline/conversations/${c.id}/activities`;
    expect((await call(url)).status).toBe(403);
    expect((await call(url, { headers: { authorization: `Bearer ${c.token}x` } })).status).toBe(403);
    expect((await call(url, { headers: other.auth })).status).toBe(403);
    expect((await call(`${bot.url}/v3/directline/conversations/nope/activities`, { headers: c.auth })).status).toBe(
      404,
    );
    const refreshed = await call(`${bot.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: c.auth });
    expect(refreshed.status).toBe(200);
    expect((await call(url, { headers: { authorization: `Bearer ${refreshed.body.token}` } })).status).toBe(200);
  });

  it('answers bad input with a 4xx', async () => {
    const c = await conversation();
    const r = await fetch(`${bot.url}/v3/directline/conversations/${c.id}/activities`, {
      method: 'POST',
      headers: { ...c.auth, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(r.status).toBe(400);
  });
});

describe('Azure Direct Line token exchange (DIRECT_LINE_SECRET)', () => {
  let bot: RunningApp;
  let standIn: Server;
  /** What the server sent Azure's token service: its secret, and the user id it asks to bind. */
  const seen: { auth?: string; body?: { user: { id: string } } }[] = [];

  beforeAll(async () => {
    // A stand-in for Azure's token service on loopback.
    standIn = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({
          auth: req.headers.authorization,
          body: body ? (JSON.parse(body) as { user: { id: string } }) : undefined,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            token: req.url?.endsWith('/refresh') ? 'refreshed-token' : 'azure-token',
            conversationId: 'c1',
            expires_in: 1800,
          }),
        );
      });
    });
    standIn.listen(0, '127.0.0.1');
    await once(standIn, 'listening');
    const domain = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/v3/directline`;
    bot = await startApp({ DIRECT_LINE_SECRET: 'secret-never-in-browser', DIRECT_LINE_DOMAIN: domain });
  });
  afterAll(async () => {
    await bot?.stop();
    await new Promise((r) => standIn.close(r));
  });

  it('exchanges the secret for a token bound to a server-chosen user id; the page never sees the secret', async () => {
    const { status, body } = await call(`${bot.url}/api/directline/token`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body.token).toBe('azure-token');
    expect(seen[0]!.auth).toBe('Bearer secret-never-in-browser');
    expect(seen[0]!.body!.user.id).toBe(body.userId);
    // Azure binds the user id into the token only with the "dl_" prefix (enhanced authentication).
    expect(body.userId).toMatch(/^dl_[0-9a-f-]{36}$/);
    const html = await (await fetch(`${bot.url}/`)).text();
    const js = await (await fetch(`${bot.url}/webchat/app.js`)).text();
    expect(html + js).not.toContain('secret-never-in-browser');
    const refreshed = await call(`${bot.url}/api/directline/token/refresh`, {
      method: 'POST',
      headers: { authorization: 'Bearer azure-token' },
    });
    expect(refreshed.body.token).toBe('refreshed-token');
    // The local Direct Line is off when Azure's is configured.
    expect((await call(`${bot.url}/v3/directline/conversations`, { method: 'POST' })).status).toBe(404);
  });
});
