import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder-core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { pseudonymize } from '../src/privacy/pseudonym.ts';
import { statistics } from '../src/console/statistics.ts';
import { TranscriptRecorder } from '../src/transcripts/recorder.ts';
import { SqliteTranscriptStore } from '../src/transcripts/sqlite-store.ts';
import type { TranscriptEntry, TranscriptStore } from '../src/transcripts/store.ts';
import { toTranscriptFile } from '../src/transcripts/export.ts';
import { StandInConnector } from './server-process.ts';
import { startApp } from './in-process-app.ts';
import { testAssistant } from './helpers.ts';
import { MAX_MESSAGE_CHARS } from '../dialogs/assistant-bot.ts';

const KEY = 'test-pseudonym-key-0123456789';
const silent = pino({ level: 'silent' });

function setup(channelId: string, store: TranscriptStore, logic?: (c: Parameters<TestAdapter['processActivity']>[1]) => unknown) {
  const assistant = testAssistant();
  const adapter = new TestAdapter(logic as never ?? (async (context) => assistant.bot.run(context)), {
    channelId, conversation: { id: `conv-${channelId}-${Math.random()}` }, from: { id: `user-${channelId}`, name: 'Marie Dupont' }, recipient: { id: 'bot', name: 'Assistant' },
  } as never);
  adapter.use(new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent }));
  return adapter;
}

function tempDb(): { file: string; store: SqliteTranscriptStore } {
  const file = join(mkdtempSync(join(tmpdir(), 'transcripts-')), 'transcripts.sqlite');
  return { file, store: new SqliteTranscriptStore(file) };
}

describe('transcript recording', () => {
  it('records every activity in and out on each channel, with how each answer was understood', async () => {
    const { store } = tempDb();
    for (const channel of ['emulator', 'msteams', 'webchat', 'directline']) {
      const adapter = setup(channel, store);
      await adapter.send("combien dure l'épreuve ?").startTest();
      await adapter.send('quelle est la capitale du Pérou ?').startTest();
    }
    const conversations = store.conversations();
    expect(conversations.map((c) => c.channelId).sort()).toEqual(['directline', 'emulator', 'msteams', 'webchat']);
    for (const c of conversations) {
      expect(c.questions).toBe(2);
      expect(c.unanswered).toBe(1);
      const entries = store.activities(c.conversationId);
      const answer = entries.find((e) => e.direction === 'out' && e.text.includes('2 h 30'))!;
      expect(answer).toMatchObject({ intent: 'duree_epreuve', status: 'answered', entryId: 'exam-duration' });
      expect(answer.confidence).toBeGreaterThan(0.5);
      const refusal = entries.find((e) => e.direction === 'out' && e.status === 'fallback');
      expect(refusal).toBeDefined();
      expect(c.userId).toBe(pseudonymize(`user-${c.channelId}`, KEY));
    }
    store.close();
  });

  it('still records a turn that throws, with its error', async () => {
    const { store } = tempDb();
    const adapter = setup('emulator', store, async () => { throw new Error('boom'); });
    adapter.onTurnError = async (context) => { await context.sendActivity('Désolé, un problème technique'); };
    await adapter.send('bonjour').startTest().catch(() => undefined);
    const [c] = store.conversations();
    const entries = store.activities(c!.conversationId);
    expect(entries.map((e) => `${e.direction}:${e.type}`)).toEqual(['in:message', 'out:error', 'out:message']);
    expect(entries[1]!.error).toBe('Error: boom');
    store.close();
  });

  it('retries failed writes instead of dropping them', async () => {
    const { store } = tempDb();
    let failures = 4; // more than one write's attempts: entries must wait for the next write
    const record = (entries: TranscriptEntry[]) => {
      if (failures-- > 0) throw new Error('SQLITE_BUSY');
      return store.record(entries);
    };
    // The real store, whose writes fail the first times.
    const flaky = new Proxy(store, {
      get: (target, key) => (key === 'record' ? record : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target)),
    }) as TranscriptStore;
    const adapter = setup('emulator', flaky);
    await adapter.send('combien coute l inscription').startTest();
    const [c] = store.conversations();
    expect(store.activities(c!.conversationId).map((e) => e.direction)).toEqual(['in', 'out']);
    store.close();
  });
});

describe('feedback typed after an answer', () => {
  it('« non » right after an answer is recorded as a 👎 on that message, counted in the list', async () => {
    const { store } = tempDb();
    const adapter = setup('webchat', store);
    await adapter.send("combien dure l'épreuve ?").startTest();
    await adapter.send('non').startTest();
    const [c] = store.conversations();
    expect(c!.negativeFeedback).toBe(1);
    const typed = store.activities(c!.conversationId).find((e) => e.direction === 'in' && e.text === 'non');
    expect(typed?.feedback).toBe('down');
    store.close();
  });
});

describe('personal data in the database file', () => {
  const PII = [
    'marie.dupont@example.com', '06 12 34 56 78', '+33 6 98 76 54 32', '1 85 05 78 006 084 36',
    'FR76 3000 6000 0112 3456 7890 189', '12 rue de la Paix', 'Marie Dupont', 'user-emulator',
  ];

  it('finds none of the PII test set in clear in the SQLite file (and its WAL)', async () => {
    const { file, store } = tempDb();
    const adapter = setup('emulator', store);
    await adapter.send('mon mail marie.dupont@example.com et mon tel 06 12 34 56 78, je veux m inscrire').startTest();
    await adapter.send('ou +33 6 98 76 54 32, secu 1 85 05 78 006 084 36').startTest();
    await adapter.send("mon IBAN FR76 3000 6000 0112 3456 7890 189, j'habite 12 rue de la Paix").startTest();
    const bytes = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
    const utf8 = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('utf8')).join('\n');
    for (const secret of PII) {
      expect(bytes.includes(secret) || utf8.includes(secret), secret).toBe(false);
    }
    expect(utf8).toContain('[e-mail]');
    expect(utf8).toContain('[IBAN]');
    store.close();
  });
});

describe('retention and erasure', () => {
  it('purges conversations past retention and erases one learner on request', async () => {
    const { store } = tempDb();
    const at = (d: string) => new Date(d);
    const e = (conversationId: string, userId: string, date: string): TranscriptEntry => ({
      conversationId, channelId: 'emulator', userId, direction: 'in', type: 'message', text: 'x', at: at(date), activity: {},
    });
    store.record([e('old', 'u_a', '2026-01-01'), e('recent', 'u_a', '2026-11-20'), e('other', 'u_b', '2026-11-21')]);
    expect(store.purgeBefore(at('2026-05-30'))).toBe(1);
    expect(store.conversations().map((c) => c.conversationId).sort()).toEqual(['other', 'recent']);
    expect(store.eraseUser('u_a')).toBe(1);
    expect(store.conversations().map((c) => c.conversationId)).toEqual(['other']);
    store.close();
  });

  it('« supprimer mes données » in the chat erases that learner\'s activities, the request and its confirmation included', async () => {
    const { store } = tempDb();
    const adapter = setup('webchat', store);
    const other = setup('emulator', store);
    await other.send("combien dure l'épreuve ?").startTest();
    await adapter.send("combien dure l'épreuve ?").startTest();
    adapter.activeQueue.splice(0);
    await adapter.send('je voudrais que vous effaciez toutes mes données svp').startTest();
    expect(adapter.activeQueue.map((a) => a.text).join(' ')).toMatch(/effacés/);
    const users = store.conversations().map((c) => store.activities(c.conversationId)).flat().map((e) => e.userId);
    expect(users.length).toBeGreaterThan(0);
    // Only the other learner's conversation is left.
    expect(new Set(users)).toEqual(new Set([pseudonymize('user-emulator', KEY)]));
    store.close();
  });

  it('leaves no trace of an erased learner in any table (a new table must be covered too)', async () => {
    const { file, store } = tempDb();
    store.record([{ conversationId: 'c1', channelId: 'emulator', userId: 'u_gone', direction: 'in', type: 'message', text: 'ma question sur le CPF', at: new Date('2026-11-20'), activity: { text: 'ma question sur le CPF' } }]);
    store.review('c1', true, 'vu', 'staff');
    store.correct({ text: 'ma question sur le CPF', intent: 'hors_sujet', by: 'staff' });
    store.eraseUser('u_gone');
    store.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    expect(tables.sort()).toEqual(['activities', 'assignments', 'reviews']);
    for (const table of tables) expect((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(0);
    db.close();
  });
});

describe('rows recorded before learner messages kept their reading', () => {
  it('are read through the first reply: a question, with its status, counted unanswered in the list', () => {
    const store = new SqliteTranscriptStore(':memory:');
    const base = { conversationId: 'old', channelId: 'emulator', userId: 'u', type: 'message', activity: {} };
    const [q] = store.record([
      { ...base, direction: 'in', text: 'quelle heure à Tokyo', at: new Date(2026, 0, 1, 10) },
      { ...base, direction: 'out', text: 'Je n’ai pas compris', at: new Date(2026, 0, 1, 10), intent: 'hors_sujet', confidence: 0.4, status: 'fallback' },
    ]);
    expect(store.learnerMessage(q!)).toMatchObject({ kind: 'question', status: 'fallback', intent: 'hors_sujet', confidence: 0.4 });
    expect(store.conversations()[0]).toMatchObject({ questions: 1, unanswered: 1, preview: 'quelle heure à Tokyo', reviewed: false });
    store.annotate(q!, { kind: 'question', intent: 'hors_sujet', confidence: 0.9, status: 'answered' });
    expect(store.learnerMessage(q!)).toMatchObject({ kind: 'question', status: 'answered', confidence: 0.9 });
    expect(store.conversations()[0]!.unanswered).toBe(0);
    store.close();
  });
});

describe('the running server records what reaches /api/messages', () => {
  it('writes the conversation to its SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-data-'));
    const file = join(dir, 'transcripts.sqlite');
    const connector = new StandInConnector();
    await connector.start();
    const bot = await startApp({ TRANSCRIPTS_FILE: file, TRANSCRIPT_PSEUDONYM_KEY: KEY });
    try {
      const activity = {
        type: 'message', channelId: 'emulator', serviceUrl: connector.url, id: 'a1', from: { id: 'learner-http', name: 'Paul' },
        recipient: { id: 'bot' }, conversation: { id: 'http-transcript' }, text: "c'est quand l'examen ? mon tel 06 11 22 33 44",
      };
      const r = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(r.status).toBeLessThan(300);
    } finally {
      await bot.stop();
      await connector.stop();
    }
    const store = new SqliteTranscriptStore(file);
    const entries = store.activities('http-transcript');
    expect(entries[0]).toMatchObject({ direction: 'in', userId: pseudonymize('learner-http', KEY) });
    expect(entries[0]!.text).toContain('[téléphone]');
    expect(entries.find((e) => e.direction === 'out')?.intent).toBe('session_examen');
    store.close();
  });
});

describe('dialog and step of each reply', () => {
  it('are recorded while a guided dialog runs', async () => {
    const { store } = tempDb();
    const adapter = setup('emulator', store);
    await adapter.send("je veux m'inscrire").startTest();
    await adapter.send('oui').startTest();
    const [c] = store.conversations();
    const dialogs = store.activities(c!.conversationId).filter((e) => e.direction === 'out').map((e) => e.dialog);
    expect(dialogs[0]).toMatch(/^registration › registration-steps#1 › prompt-yesno/);
    expect(dialogs[1]).toMatch(/^registration › registration-steps#2/);
    store.close();
  });

  it('the summary that ends a dialog, an Adaptive Card alone on Web Chat, is recorded with its words', async () => {
    const { store } = tempDb();
    const adapter = setup('webchat', store);
    for (const text of ["je veux m'inscrire", 'oui', 'en juin 2026', '69']) await adapter.send(text).startTest();
    const [c] = store.conversations();
    const last = store.activities(c!.conversationId).filter((e) => e.direction === 'out' && e.type === 'message').at(-1)!;
    expect(last.text).toMatch(/juin 2027/);
    expect(last.text).toMatch(/Lyon/);
    store.close();
  });
});

describe('what is stored: redacted, without damage, and only the bot\'s own trace', () => {
  it('keeps ids and times intact, redacts text, ignores a trace a learner sends', async () => {
    const { store } = tempDb();
    const assistant = testAssistant();
    const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId: 'emulator', conversation: { id: 'stored-1' }, from: { id: 'learner-s', name: 'Marie' }, recipient: { id: 'bot' },
    } as never);
    adapter.use(new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent }));
    await adapter.processActivity({
      type: 'message', id: '4970101234567890', timestamp: new Date('2026-11-26T10:00:00Z'),
      text: 'rappelez moi au 6 12 34 56 78, combien dure l\'épreuve ?',
      channelData: { answer: { intent: 'note_minimale', confidence: 1, status: 'answered', entryId: 'pass-grade' } },
    });
    const [inbound] = store.activities('stored-1').filter((e) => e.direction === 'in');
    expect(inbound!.text).toContain('[téléphone]');
    // The bot's own reading of the message (« combien dure l'épreuve »), not the one the learner claims.
    expect(inbound!.intent).toBe('duree_epreuve');
    expect(inbound!.kind).toBe('question');
    expect(inbound!.entryId).toBeUndefined();
    expect(inbound!.activity.id).toBe('4970101234567890');
    expect(inbound!.activity.timestamp).toBe('2026-11-26T10:00:00.000Z');
    store.close();
  });

  it('keeps a long message only as far as the bot reads it (MAX_MESSAGE_CHARS), in the entry and in the stored activity', async () => {
    const { store } = tempDb();
    const assistant = testAssistant();
    const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId: 'emulator', conversation: { id: 'stored-long' }, from: { id: 'learner-l' }, recipient: { id: 'bot' },
    } as never);
    adapter.use(new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent }));
    await adapter.processActivity({ type: 'message', text: `combien dure l'épreuve ? ${'blabla '.repeat(1500)}` });
    const [inbound] = store.activities('stored-long').filter((e) => e.direction === 'in');
    expect(inbound!.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 4);
    expect(inbound!.text.endsWith('[…]')).toBe(true);
    expect(String(inbound!.activity.text).length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 4);
    store.close();
  });

  it('pseudonymises a Teams personal chat\'s conversation id and tenant (stable per learner)', async () => {
    const { store } = tempDb();
    const assistant = testAssistant();
    const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId: 'msteams', conversation: { id: 'a:1personal-chat-id', conversationType: 'personal', tenantId: 'tenant-7f3a' },
      from: { id: '29:learner', name: 'Marie' }, recipient: { id: '28:bot' },
    } as never);
    adapter.use(new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent }));
    await adapter.processActivity({ type: 'message', text: "combien dure l'épreuve ?", channelData: { tenant: { id: 'tenant-7f3a' } } });
    const [c] = store.conversations();
    expect(c!.conversationId).toBe(pseudonymize('a:1personal-chat-id', KEY));
    const stored = JSON.stringify(store.activities(c!.conversationId));
    expect(stored).not.toContain('personal-chat-id');
    expect(stored).not.toContain('tenant-7f3a');
    expect(stored).toContain('2 h 30');
    store.close();
  });
});

describe('what leaves the server, and what the store keeps of it (points 7 and 9)', () => {
  it('replies carry no internal data; how each was understood reaches the store only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-data-'));
    const file = join(dir, 'transcripts.sqlite');
    const connector = new StandInConnector();
    await connector.start();
    const bot = await startApp({ TRANSCRIPTS_FILE: file, TRANSCRIPT_PSEUDONYM_KEY: KEY, ASSISTANT_TODAY: '2026-11-26' });
    try {
      for (const [i, text] of ["combien dure l'épreuve ?", "je veux m'inscrire", 'Pas encore'].entries()) {
        const activity = {
          type: 'message', channelId: 'msteams', serviceUrl: connector.url, id: `m${i}`, from: { id: '29:learner-out' },
          recipient: { id: '28:bot' }, conversation: { id: 'a:leaves-the-server', conversationType: 'personal', tenantId: 't-1' }, text,
          channelData: { tenant: { id: 't-1' } },
        };
        const r = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        expect(r.status).toBeLessThan(300);
      }
    } finally {
      await bot.stop();
      await connector.stop();
    }
    const sent = connector.messagesFor('a:leaves-the-server');
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const a of sent) {
      const channelData = (a.channelData ?? {}) as Record<string, unknown>;
      expect(channelData.answer).toBeUndefined();
      expect(channelData.dialog).toBeUndefined();
      expect(JSON.stringify(a)).not.toMatch(/"(intent|confidence|entryId|dialog)"/);
    }
    const store = new SqliteTranscriptStore(file);
    const [c] = store.conversations();
    const out = store.activities(c!.conversationId).filter((e) => e.direction === 'out');
    expect(out[0]).toMatchObject({ intent: 'duree_epreuve', status: 'answered', entryId: 'exam-duration' });
    expect(out.slice(1).map((e) => e.dialog)).toEqual([expect.stringMatching(/^registration › /), expect.stringMatching(/^registration › registration-steps#2/)]);
    store.close();
  });

  it('records answers to follow-up buttons and « Plus de détails » with how they were understood', async () => {
    const { store } = tempDb();
    const assistant = testAssistant();
    const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
      channelId: 'emulator', conversation: { id: 'buttons-1' }, from: { id: 'learner-b' }, recipient: { id: 'bot' },
    } as never);
    adapter.use(new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent }));
    await adapter.processActivity({ type: 'message', text: 'combien coute l inscription' });
    const first = adapter.activeQueue.splice(0).find((a) => a.type === 'message')!;
    // A follow-up button: it sends an entry's question as its label.
    const followUp = first.suggestedActions!.actions.map((a) => String(a.value)).find((v) => assistant.answerer.kb.entryByQuestion(v))!;
    expect(followUp).toBeDefined();
    await adapter.processActivity({ type: 'message', text: followUp });
    await adapter.processActivity({ type: 'message', text: 'Plus de détails' });
    const out = store.activities('buttons-1').filter((e) => e.direction === 'out');
    expect(out).toHaveLength(3);
    const clicked = assistant.answerer.kb.entryByQuestion(followUp)!;
    expect(out[1]).toMatchObject({ intent: clicked.intents[0], status: 'answered', entryId: clicked.id, confidence: 1 });
    expect(out[2]).toMatchObject({ intent: clicked.intents[0], status: 'answered', entryId: clicked.id });
    // Only the typed message is a question: the button and « Plus de détails » are not.
    const messages = store.learnerMessages({ from: new Date(0), to: new Date(8.64e15) });
    expect(messages.map((m) => m.kind)).toEqual(['question', 'button', 'command']);
    const stats = statistics(messages, new Set());
    expect([stats.questions, stats.answered]).toEqual([1, 1]);
    store.close();
  });
});

describe('.transcript exports open in the Emulator like a native conversation (point 8)', () => {
  it('roles set, ids, timestamps and event names intact: Web Chat\'s own reducer renders every message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-data-'));
    const file = join(dir, 'transcripts.sqlite');
    const connector = new StandInConnector();
    await connector.start();
    const bot = await startApp({ TRANSCRIPTS_FILE: file, TRANSCRIPT_PSEUDONYM_KEY: KEY, ASSISTANT_TODAY: '2026-11-26' });
    const posted: Record<string, unknown>[] = [];
    try {
      for (const fixture of ['personal-interactions.json', 'group-chat.json']) {
        const text = readFileSync(join(import.meta.dirname, 'fixtures', 'teams', fixture), 'utf8').replaceAll('{{serviceUrl}}', connector.url);
        for (const step of (JSON.parse(text) as { steps: Record<string, unknown>[][] }).steps) {
          for (const activity of step) {
            posted.push(activity);
            await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
          }
        }
      }
    } finally {
      await bot.stop();
      await connector.stop();
    }
    const { createStore } = await import('botframework-webchat-core');
    const store = new SqliteTranscriptStore(file);
    const conversations = store.conversations();
    expect(conversations).toHaveLength(2);
    const byId = new Map(posted.map((a) => [a.id, a]));
    for (const c of conversations) {
      const exported = JSON.parse(toTranscriptFile(store.activities(c.conversationId))) as Partial<Activity>[];
      // Who sent it decides the side Web Chat shows it on.
      for (const a of exported) {
        const inbound = byId.has(a.id);
        expect([a.from?.role, a.recipient?.role], `${a.type} ${a.id}`).toEqual(inbound ? ['user', 'bot'] : ['bot', 'user']);
        if (!inbound) continue;
        const original = byId.get(a.id)!;
        expect(a.timestamp).toBe(original.timestamp);
        expect(a.localTimestamp).toBe(original.localTimestamp);
        if (original.replyToId) expect(a.replyToId).toBe(original.replyToId);
        if (original.name) expect(a.name).toBe(original.name);
      }
      // The Emulator hands a transcript's activities to Web Chat one by one, as incoming activities.
      const webchat = createStore();
      for (const activity of exported) webchat.dispatch({ type: 'DIRECT_LINE/INCOMING_ACTIVITY', payload: { activity } });
      const rendered = (webchat.getState() as { activities: { type: string; from: { role: string } }[] }).activities.filter((a) => a.type === 'message');
      const messages = exported.filter((a) => a.type === 'message');
      expect(rendered).toHaveLength(messages.length);
      expect(rendered.filter((a) => a.from.role === 'user')).toHaveLength(messages.filter((a) => byId.has(a.id)).length);
      expect(rendered.filter((a) => a.from.role === 'bot').length).toBeGreaterThan(0);
    }
    // Every activity posted is exported once, under its own id (none redacted, none merged).
    const exportedIds = conversations.flatMap((c) => (JSON.parse(toTranscriptFile(store.activities(c.conversationId))) as { id?: string }[]).map((a) => a.id)).filter((id) => byId.has(id));
    expect(exportedIds.sort()).toEqual([...byId.keys()].sort());
    const names = store.conversations().flatMap((c) => JSON.parse(toTranscriptFile(store.activities(c.conversationId))) as { name?: string }[]).map((a) => a.name).filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['adaptiveCard/action', 'fileConsent/invoke']));
    // Only the activity's own name is kept: display names stay out.
    const all = conversations.map((c) => toTranscriptFile(store.activities(c.conversationId))).join('\n');
    for (const person of ['Alice Martin', 'Bob Leroy']) expect(all).not.toContain(person);
    // A row recorded by an older version, whose localTimestamp was stored as {}.
    const [old] = JSON.parse(toTranscriptFile([{ conversationId: 'c', channelId: 'msteams', userId: 'u', direction: 'in', type: 'message', text: 'x', at: new Date('2026-11-26T10:00:00Z'), activity: { type: 'message', id: '1', localTimestamp: {} } }])) as Record<string, unknown>[];
    expect(old).not.toHaveProperty('localTimestamp');
    store.close();
  });
});
