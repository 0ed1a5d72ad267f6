import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector } from './server-process.ts';
import { startApp, type RunningApp } from './in-process-app.ts';

let bot: RunningApp;
const connector = new StandInConnector();

beforeAll(async () => {
  await connector.start();
  bot = await startApp({ ASSISTANT_TODAY: '2026-11-26' });
});

afterAll(async () => {
  await bot?.stop();
  await connector.stop();
});

function activity(conversationId: string, extra: Record<string, unknown>) {
  return {
    channelId: 'emulator',
    serviceUrl: connector.url,
    id: `a-${Math.random()}`,
    timestamp: new Date().toISOString(),
    locale: 'fr-FR',
    from: { id: 'learner-1', name: 'Apprenant' },
    recipient: { id: 'bot', name: 'Assistant' },
    conversation: { id: conversationId },
    ...extra,
  };
}

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/messages (Bot Framework protocol, local mode)', () => {
  it("answers a question by posting the reply to the channel's serviceUrl", async () => {
    const conv = 'http-conv-1';
    const r = await post(activity(conv, { type: 'message', text: "Combien coûte l'inscription ?" }));
    expect(r.status).toBeLessThan(300);
    const replies = connector.messagesFor(conv);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.text)).toMatch(/5,00 €/);
    expect(String(replies[0]!.text)).toContain('Source : Modalités de sanction, §2');
    expect(replies[0]!.replyToId).toBeDefined();
  });

  it('welcomes a learner once on conversationUpdate', async () => {
    const conv = 'http-conv-2';
    await post(activity(conv, { type: 'conversationUpdate', membersAdded: [{ id: 'learner-1' }] }));
    await post(activity(conv, { type: 'conversationUpdate', membersAdded: [{ id: 'learner-1' }] }));
    expect(connector.messagesFor(conv)).toHaveLength(1);
  });

  it('keeps a guided dialog across requests (conversation state)', async () => {
    const conv = 'http-conv-3';
    await post(activity(conv, { type: 'message', text: "Après l'examen" }));
    await post(activity(conv, { type: 'message', text: '8' }));
    const texts = connector.messagesFor(conv).map((a) => String(a.text));
    expect(texts[0]).toMatch(/Quelle note/);
    expect(texts[1]).toMatch(/au moins 10/);
  });
});

describe('bad input gets a 4xx with a short reason, never a 500', () => {
  const cases: [string, () => Promise<Response>, number][] = [
    ['not JSON', () => post('{not json'), 400],
    ['wrong content type', () => post('hello', { 'content-type': 'text/plain' }), 415],
    [
      'missing conversation',
      () => post({ ...activity('x', { type: 'message', text: 'hi' }), conversation: undefined }),
      400,
    ],
    ['missing from', () => post({ ...activity('x', { type: 'message', text: 'hi' }), from: undefined }), 400],
    ['wrong types', () => post(activity('x', { type: 42, text: ['a'] })), 400],
    [
      'bad serviceUrl',
      () => post({ ...activity('x', { type: 'message', text: 'hi' }), serviceUrl: 'javascript:alert(1)' }),
      400,
    ],
    ['JSON array', () => post('[]'), 400],
    ['missing recipient', () => post({ ...activity('x', { type: 'message', text: 'hi' }), recipient: undefined }), 400],
    [
      '200 000-character conversation id',
      () => post(activity('x'.repeat(200_000), { type: 'message', text: 'hi' })),
      400,
    ],
    [
      'channelData nested 20 000 deep',
      () =>
        post(
          JSON.stringify(activity('x', { type: 'message', text: 'hi' })).replace(
            /}$/,
            `,"channelData":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
          ),
        ),
      400,
    ],
    // Found by fuzz-replay (FUZZ_SEED=1723921710): the id is part of the reply's URL.
    [
      'activity id with a lone surrogate',
      () => post(activity('x', { type: 'message', text: 'hi', id: 'a\ud800' })),
      400,
    ],
    ['oversized body', () => post(activity('x', { type: 'message', text: 'a'.repeat(300 * 1024) })), 413],
  ];
  for (const [name, send, status] of cases) {
    it(name, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      const body = await r.text();
      expect(body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      expect((JSON.parse(body) as { error: string }).error).toMatch(/\w/);
    });
  }

  it('still answers after bad requests', async () => {
    const r = await fetch(`${bot.url}/healthz`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe('ok');
  });
});
