import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector } from './server-process.ts';
import { startApp, type RunningApp } from './in-process-app.ts';
import { SqliteWelcomeClaims } from '../src/storage/welcome-claims.ts';
import { tempDir } from './temp.ts';

/**
 * Teams traffic as its documentation shows it (conversationUpdate / installationUpdate, mentions, card
 * submits, messageBack, reactions, edits, deletes, invokes, files), written as JSON under
 * fixtures/teams/, replayed against the real server: activities of one step are posted together, as
 * Teams sends an install's two events within 100 ms.
 */
/** `unreadMessages`: replies that say the message was not understood (an image sent without text). */
interface Fixture {
  about: string;
  installs: number;
  unreadMessages: number;
  steps: Record<string, unknown>[][];
}

const DIR = join(import.meta.dirname, 'fixtures', 'teams');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const WELCOME = /^Bonjour ! Je suis l'assistant/;
const NOT_UNDERSTOOD = /^Je ne suis pas sûr d'avoir compris|^Je veux être sûr de bien vous répondre/;

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

async function post(activity: Record<string, unknown>): Promise<number> {
  const r = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await r.text();
  return r.status;
}

function load(file: string): Fixture {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8').replaceAll('{{serviceUrl}}', connector.url)) as Fixture;
}

describe('recorded Teams shapes replayed against /api/messages', () => {
  it('has fixtures for personal, group, channel, install / uninstall / re-install', () => {
    expect(FIXTURES).toEqual([
      'group-chat.json',
      'personal-install.json',
      'personal-interactions.json',
      'personal-reinstall.json',
      'team-channel.json',
    ]);
  });

  for (const file of FIXTURES) {
    it(`${file}: no error, exactly one welcome per install`, async () => {
      const fixture = load(file);
      const conversations = new Set<string>();
      const failures: string[] = [];
      for (const step of fixture.steps) {
        const statuses = await Promise.all(step.map(post));
        step.forEach((a, i) => {
          conversations.add((a.conversation as { id: string }).id);
          // botbuilder answers an invoke it has no handler for with 501 (Not Implemented), as Teams expects.
          const ok = statuses[i]! < 300 || (a.type === 'invoke' && statuses[i] === 501);
          if (!ok) failures.push(`${String(a.type)} ${typeof a.name === 'string' ? a.name : ''}: ${statuses[i]}`);
        });
      }
      expect(failures).toEqual([]);
      const sent = connector.received.filter((r) => conversations.has(r.conversationId)).map((r) => r.activity);
      const welcomes = sent.filter((a) => a.type === 'message' && WELCOME.test(String(a.text)));
      expect(welcomes, fixture.about).toHaveLength(fixture.installs);
      // Mentions, &nbsp; and &#39; do not get in the way of understanding.
      expect(
        sent.filter((a) => a.type === 'message' && NOT_UNDERSTOOD.test(String(a.text))),
        fixture.about,
      ).toHaveLength(fixture.unreadMessages);
      // Nothing internal leaves the server: how a message was understood stays in the transcripts.
      expect(
        sent.filter((a) => {
          const cd = (a.channelData ?? {}) as Record<string, unknown>;
          return 'answer' in cd || 'dialog' in cd;
        }),
      ).toEqual([]);
      // No apology for a failed turn, and the server logged no error.
      expect(sent.filter((a) => /problème technique/i.test(String(a.text)))).toEqual([]);
      expect(bot.output()).not.toMatch(/turn failed|request failed/);
    });
  }
});

describe('the welcome is claimed once, atomically, on persisted state', () => {
  const base = (channelId: string, conversationId: string, extra: Record<string, unknown>) => ({
    channelId,
    serviceUrl: connector.url,
    id: `a-${Math.random()}`,
    timestamp: new Date().toISOString(),
    locale: 'fr-FR',
    from: { id: channelId === 'msteams' ? '29:learner' : 'learner-1' },
    recipient: { id: channelId === 'msteams' ? '28:assistant' : 'bot' },
    conversation: {
      id: conversationId,
      ...(channelId === 'msteams' ? { conversationType: 'personal', tenantId: 'tenant-1' } : {}),
    },
    ...extra,
  });
  const welcomesIn = (conversationId: string) =>
    connector.messagesFor(conversationId).filter((a) => WELCOME.test(String(a.text)));

  it('greets once when two events that both greet arrive together (point 1)', async () => {
    for (let i = 0; i < 5; i++) {
      // Web Chat: Direct Line's conversationUpdate and the page's "webchat/join" event.
      const web = `together-webchat-${i}`;
      await Promise.all([
        post(base('webchat', web, { type: 'conversationUpdate', membersAdded: [{ id: 'learner-1' }, { id: 'bot' }] })),
        post(base('webchat', web, { type: 'event', name: 'webchat/join', value: { language: 'fr-FR' } })),
      ]);
      // Teams: installationUpdate, and Teams delivering it a second time while the first is handled.
      const teams = `a:together-teams-${i}`;
      await Promise.all([
        post(base('msteams', teams, { type: 'installationUpdate', action: 'add' })),
        post(base('msteams', teams, { type: 'installationUpdate', action: 'add' })),
        post(base('msteams', teams, { type: 'conversationUpdate', membersAdded: [{ id: '28:assistant' }] })),
      ]);
      expect(welcomesIn(web), web).toHaveLength(1);
      expect(welcomesIn(teams), teams).toHaveLength(1);
    }
  });
});

describe('welcome claims in SQLite', () => {
  it('one claim per conversation across two handles on the file, again after a release, forgotten past retention', () => {
    const file = join(tempDir('bot-state-'), 'state.sqlite');
    let now = new Date('2026-01-01T00:00:00Z');
    const a = new SqliteWelcomeClaims(file, () => now);
    const b = new SqliteWelcomeClaims(file, () => now);
    try {
      expect([a.claim('msteams/a:1'), b.claim('msteams/a:1'), a.claim('msteams/a:1')]).toEqual([true, false, false]);
      b.release('msteams/a:1');
      expect([b.claim('msteams/a:1'), a.claim('msteams/a:1')]).toEqual([true, false]);
      now = new Date('2026-06-01T00:00:00Z');
      expect(a.claim('webchat/recent')).toBe(true);
      expect(a.forgetBefore(new Date('2026-03-01T00:00:00Z'))).toBe(1);
      expect([a.claim('msteams/a:1'), a.claim('webchat/recent')]).toEqual([true, false]);
    } finally {
      a.close();
      b.close();
    }
    // Conversation ids are not kept in clear.
    const bytes = [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    expect(bytes).toContain('welcomes');
    expect(bytes).not.toContain('msteams/a:1');
  });
});

describe('after a restart (point 3)', () => {
  it('a user added to a group chat is not greeted, nor the chat greeted again', async () => {
    const dir = tempDir('bot-state-');
    const env = { ASSISTANT_TODAY: '2026-11-26', STATE_FILE: join(dir, 'state.sqlite') };
    const group = '19:restart-group@thread.v2';
    const activity = (extra: Record<string, unknown>) => ({
      channelId: 'msteams',
      serviceUrl: connector.url,
      id: `a-${Math.random()}`,
      timestamp: new Date().toISOString(),
      from: { id: '29:alice' },
      recipient: { id: '28:assistant' },
      channelData: { tenant: { id: 'tenant-1' } },
      conversation: { id: group, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' },
      ...extra,
    });
    const send = async (server: RunningApp, extra: Record<string, unknown>) => {
      const r = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity(extra)),
      });
      expect(r.status).toBeLessThan(300);
    };
    const first = await startApp(env);
    try {
      await send(first, { type: 'installationUpdate', action: 'add' });
      await send(first, { type: 'conversationUpdate', membersAdded: [{ id: '28:assistant' }] });
    } finally {
      await first.stop();
    }
    expect(connector.messagesFor(group)).toHaveLength(1);
    const second = await startApp(env);
    try {
      await send(second, { type: 'conversationUpdate', membersAdded: [{ id: '29:carol' }] });
      // Teams sends the bot's own membersAdded again on some updates: the chat was greeted already.
      await send(second, { type: 'conversationUpdate', membersAdded: [{ id: '28:assistant' }] });
    } finally {
      await second.stop();
    }
    expect(connector.messagesFor(group)).toHaveLength(1);
  });
});
