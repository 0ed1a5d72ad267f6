import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector } from './server-process.ts';
import { startInProcessBot, type InProcessBot } from './in-process-bot.ts';

/** Deterministic pseudo-random numbers (mulberry32): a failing case is found again with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u200b\u200d\ufeff',
  '🙂👩‍🎓',
  'مرحبا',
  '你好',
  '<script>alert(1)</script>',
  '**gras** [lien](javascript:alert(1))',
  '?!…',
  '%s%n',
  '__proto__',
  'constructor',
  '\\u0000',
  'a'.repeat(5000),
];

function anyValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, -1, 1e308, -0, 2 ** 53 + 1, 3.14][Math.floor(r() * 6)];
    case 3:
      return ODD_STRINGS[Math.floor(r() * ODD_STRINGS.length)];
    case 4:
      return `s${Math.floor(r() * 1e6)}`;
    case 5:
      return {};
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => anyValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 5) }, () => [
          ODD_STRINGS[Math.floor(r() * ODD_STRINGS.length)]!.slice(0, 20) || 'k',
          anyValue(r, depth + 1),
        ]),
      );
  }
}

const connector = new StandInConnector();
let bot: InProcessBot;
beforeAll(async () => {
  await connector.start();
  bot = await startInProcessBot();
});
afterAll(async () => {
  await bot?.stop();
  await connector.stop();
});

function activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    channelId: 'emulator',
    serviceUrl: connector.url,
    id: `a-${Math.random()}`,
    timestamp: new Date().toISOString(),
    locale: 'fr-FR',
    from: { id: 'fuzz-learner' },
    recipient: { id: 'bot' },
    conversation: { id: `fuzz-${Math.random()}` },
    text: 'bonjour',
    ...extra,
  };
}

async function post(body: string): Promise<{ status: number; text: string }> {
  const r = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: r.status, text: await r.text() };
}

/** Never a 500, never a stack trace: a 4xx with a reason, or the Bot Framework's answer to the activity. */
function expectHandled(r: { status: number; text: string }, what: string): void {
  expect(r.status, what).toBeLessThan(500);
  expect(r.text, what).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('hostile and malformed input on /api/messages', () => {
  it('random JSON shapes (300 seeded cases): a 4xx with a reason, never a 500', async () => {
    const r = random(11);
    for (let i = 0; i < 300; i++) {
      const body = JSON.stringify(anyValue(r));
      const res = await post(body);
      expectHandled(res, body.slice(0, 200));
      expect(res.status, body.slice(0, 200)).toBeGreaterThanOrEqual(400);
    }
  });

  it('a wrong type at every field of a real activity', async () => {
    const fields = [
      'type',
      'channelId',
      'serviceUrl',
      'id',
      'timestamp',
      'locale',
      'from',
      'recipient',
      'conversation',
      'text',
      'membersAdded',
      'attachments',
      'entities',
      'channelData',
      'value',
      'suggestedActions',
      'replyToId',
      'deliveryMode',
      'name',
      'textFormat',
    ];
    const wrong: unknown[] = [null, 42, true, 'x', [], {}, [1, 'a'], { id: 7 }];
    for (const field of fields) {
      for (const value of wrong) {
        const body = JSON.stringify(activity({ [field]: value }));
        expectHandled(await post(body), `${field} = ${JSON.stringify(value)}`);
      }
    }
  });

  it('unknown activity types, invokes and a duplicate id are handled as the protocol says', async () => {
    for (const type of [
      'typing',
      'endOfConversation',
      'event',
      'installationUpdate',
      'messageReaction',
      'unknownType',
      'trace',
      'handoff',
    ]) {
      expectHandled(await post(JSON.stringify(activity({ type, name: 'x', value: { a: 1 } }))), type);
    }
    // Invokes get botbuilder's invoke responses: 400 for a malformed card action, 501 for a name
    // nobody handles (the protocol's « not implemented », not a crash).
    const card = await post(
      JSON.stringify(activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 'x' } } })),
    );
    expectHandled(card, 'adaptiveCard/action');
    const unknown = await post(JSON.stringify(activity({ type: 'invoke', name: 'nobody/handles', value: {} })));
    expect(unknown.status).toBe(501);
    expect(unknown.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    const same = activity({ id: 'duplicate-id', text: "combien coûte l'inscription ?" });
    expectHandled(await post(JSON.stringify(same)), 'first');
    expectHandled(await post(JSON.stringify(same)), 'duplicate');
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('odd texts get a polite reply in bounded time; markup is not echoed raw', async () => {
    const texts = [
      'x'.repeat(100_000),
      '\u0000\u0001\u0007\u001b[31m',
      '🙂🙂🙂 👩‍🎓',
      'متى الامتحان؟',
      '考试什么时候？',
      '\u200b\u200c\u200d\ufeff',
      '?!?!...;;',
      '<img src=x onerror=alert(1)> combien ça coûte ?',
      "**quand** est l'_examen_ ? [ici](javascript:alert(1))",
      'é'.repeat(3000),
      // 100 000 UTF-16 units of emoji: the cut at what the bot reads falls between two halves of a pair.
      `x${'🙂'.repeat(50_000)}`,
      `combien ça coûte ${'\u0301'.repeat(5000)}`,
      "\u202ekaxe\u202c l'c tseʼc dnauq",
      'Когда экзамен? कब है परीक्षा?',
      '🇫🇷👍🏽❤️‍🔥',
      '.'.repeat(100_000),
      "<p>j'habite à <b>Lille</b></p>&nbsp;quel rectorat ?",
      '# Titre\n\n| a | b |\n|---|---|\n```js\nalert(1)\n```',
    ];
    for (const text of texts) {
      const conversation = { id: `odd-${Math.random()}` };
      const started = Date.now();
      const res = await post(JSON.stringify(activity({ text, conversation })));
      expectHandled(res, text.slice(0, 40));
      expect(Date.now() - started, text.slice(0, 40)).toBeLessThan(5000);
      const replies = connector.messagesFor(conversation.id);
      expect(replies.length, text.slice(0, 40)).toBeGreaterThan(0);
      for (const reply of replies) {
        expect(String(reply.text)).not.toMatch(/<img|<script|onerror=|javascript:/i);
      }
    }
  });
});
