import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder-core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { pseudonymize } from '../src/privacy/pseudonym.ts';
import { statistics } from '../src/console/statistics.ts';
import { TranscriptRecorder } from '../src/transcripts/recorder.ts';
import { SqliteTranscriptStore } from '../src/transcripts/sqlite-store.ts';
import { PostgresTranscriptStore } from '../src/transcripts/postgres-store.ts';
import type { TranscriptEntry, TranscriptStore } from '../src/transcripts/store.ts';
import { toTranscriptFile } from '../src/transcripts/export.ts';
import { StandInConnector } from './server-process.ts';
import { startApp } from './in-process-app.ts';
import { testAssistant } from './helpers.ts';
import { MAX_MESSAGE_CHARS } from '../dialogs/assistant-bot.ts';
import { postgresForThisFile, postgresMissing } from './postgres-server.ts';
import { tempDir } from './temp.ts';

const KEY = 'test-pseudonym-key-0123456789';
const silent = pino({ level: 'silent' });

/** Recorders of the running test: their writes never hold the turn, so reads wait for them. */
const recorders: TranscriptRecorder[] = [];
const settled = () => Promise.all(recorders.splice(0).map((r) => r.idle()));
function recorder(store: TranscriptStore): TranscriptRecorder {
  const r = new TranscriptRecorder(store, { pseudonymKey: KEY, logger: silent });
  recorders.push(r);
  return r;
}

function setup(
  channelId: string,
  store: TranscriptStore,
  logic?: (c: Parameters<TestAdapter['processActivity']>[1]) => unknown,
) {
  const assistant = testAssistant();
  const adapter = new TestAdapter((logic as never) ?? (async (context) => assistant.bot.run(context)), {
    channelId,
    conversation: { id: `conv-${channelId}-${Math.random()}` },
    from: { id: `user-${channelId}`, name: 'Marie Dupont' },
    recipient: { id: 'bot', name: 'Assistant' },
  } as never);
  adapter.use(recorder(store));
  return adapter;
}

/** One store of the back-end under test, empty, and how to look at it from outside. */
interface Opened {
  store: TranscriptStore;
  /** What a bot process needs to record into this store. */
  env: Record<string, string>;
  /** The store again (after a bot process wrote to it). */
  reopen: () => Promise<TranscriptStore>;
  /** Every byte stored, as text (SQLite: the file and its WAL; PostgreSQL: every row of its tables). */
  stored: () => Promise<string>;
  /** The transcript tables and how many rows each holds. */
  tables: () => Promise<Record<string, number>>;
}

const postgres = postgresForThisFile();

const BACKENDS: { name: string; skip: string | undefined; open: () => Promise<Opened> }[] = [
  {
    name: 'SQLite',
    skip: undefined,
    open: async () => {
      const file = join(tempDir('transcripts-'), 'transcripts.sqlite');
      const files = () => [file, `${file}-wal`].filter(existsSync);
      return {
        store: new SqliteTranscriptStore(file),
        env: { TRANSCRIPTS_FILE: file },
        reopen: async () => new SqliteTranscriptStore(file),
        stored: async () =>
          files()
            .flatMap((f) => [readFileSync(f).toString('latin1'), readFileSync(f).toString('utf8')])
            .join('\n'),
        tables: async () => {
          const db = new Database(file, { readonly: true });
          const names = (
            db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
              name: string;
            }[]
          ).map((t) => t.name);
          const counts = Object.fromEntries(
            names.map((n) => [n, (db.prepare(`SELECT COUNT(*) AS n FROM ${n}`).get() as { n: number }).n]),
          );
          db.close();
          return counts;
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresMissing,
    open: async () => {
      const url = await postgres.server().createDatabase();
      const pool = await postgres.pool(url);
      const names = async () =>
        (
          await pool.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'transcript%' ORDER BY table_name",
          )
        ).rows.map((r) => r.table_name);
      return {
        store: new PostgresTranscriptStore(pool),
        env: { DATABASE_URL: url },
        reopen: async () => new PostgresTranscriptStore(pool),
        stored: async () => {
          const out: string[] = [];
          for (const n of await names())
            out.push(
              ...(await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${n} t`)).rows.map(
                (r) => r.row,
              ),
            );
          // row_to_json escapes nothing a learner typed in clear: « é » stays « é », the JSON activity is text.
          return out.join('\n');
        },
        tables: async () =>
          Object.fromEntries(
            await Promise.all(
              (await names()).map(async (n): Promise<[string, number]> => [
                n,
                Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${n}`)).rows[0]!.n),
              ]),
            ),
          ),
      };
    },
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`transcripts in ${backend.name}`, () => {
    const tempDb = backend.open;

    describe('transcript recording', () => {
      it('records every activity in and out on each channel, with how each answer was understood', async () => {
        const { store } = await tempDb();
        for (const channel of ['emulator', 'msteams', 'webchat', 'directline']) {
          const adapter = setup(channel, store);
          await adapter.send("combien dure l'épreuve ?").startTest();
          await adapter.send('quelle est la capitale du Pérou ?').startTest();
        }
        await settled();
        const conversations = await store.conversations();
        expect(conversations.map((c) => c.channelId).sort()).toEqual(['directline', 'emulator', 'msteams', 'webchat']);
        for (const c of conversations) {
          expect(c.questions).toBe(2);
          expect(c.unanswered).toBe(1);
          const entries = await store.activities(c.conversationId);
          const answer = entries.find((e) => e.direction === 'out' && e.text.includes('2 h 30'))!;
          expect(answer).toMatchObject({ intent: 'duree_epreuve', status: 'answered', entryId: 'exam-duration' });
          expect(answer.confidence).toBeGreaterThan(0.5);
          const refusal = entries.find((e) => e.direction === 'out' && e.status === 'fallback');
          expect(refusal).toBeDefined();
          expect(c.userId).toBe(pseudonymize(`user-${c.channelId}`, KEY));
        }
        await store.close();
      });

      it('still records a turn that throws, with its error', async () => {
        const { store } = await tempDb();
        const adapter = setup('emulator', store, async () => {
          throw new Error('boom');
        });
        adapter.onTurnError = async (context) => {
          await context.sendActivity('Désolé, un problème technique');
        };
        await adapter
          .send('bonjour')
          .startTest()
          .catch(() => undefined);
        await settled();
        const [c] = await store.conversations();
        const entries = await store.activities(c!.conversationId);
        expect(entries.map((e) => `${e.direction}:${e.type}`)).toEqual(['in:message', 'out:error', 'out:message']);
        expect(entries[1]!.error).toBe('Error: boom');
        await store.close();
      });

      it('retries failed writes instead of dropping them', async () => {
        const { store } = await tempDb();
        let failures = 4; // more than one write's attempts: entries must wait for the next write
        const record = async (entries: TranscriptEntry[]) => {
          if (failures-- > 0) throw new Error('SQLITE_BUSY');
          return store.record(entries);
        };
        // The real store, whose writes fail the first times.
        const flaky = new Proxy(store, {
          get: (target, key) =>
            key === 'record' ? record : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target),
        });
        const adapter = setup('emulator', flaky);
        await adapter.send('combien coute l inscription').startTest();
        await settled();
        const [c] = await store.conversations();
        expect((await store.activities(c!.conversationId)).map((e) => e.direction)).toEqual(['in', 'out']);
        await store.close();
      });

      it('a turn is two writes: its message on arrival, then its replies with how the message was read', async () => {
        const { store } = await tempDb();
        const calls: string[] = [];
        const counted = new Proxy(store, {
          get: (target, key) => {
            const f = (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target);
            if (key !== 'record' && key !== 'annotate') return f;
            return (...a: unknown[]) => {
              const [entries, reading] = a as [TranscriptEntry[] | number, unknown];
              calls.push(
                typeof entries === 'number'
                  ? 'annotate'
                  : `${entries.map((e) => e.direction).join('+')}${reading ? '+reading' : ''}`,
              );
              return f(...a);
            };
          },
        });
        const adapter = setup('emulator', counted);
        await adapter.send("combien dure l'épreuve ?").startTest();
        await settled();
        expect(calls).toEqual(['in', 'out+reading']);
        const [c] = await store.conversations();
        const [question, answer] = await store.activities(c!.conversationId);
        expect(question).toMatchObject({ direction: 'in', kind: 'question', status: 'answered' });
        expect(answer).toMatchObject({ direction: 'out', type: 'message' });
        await store.close();
      });

      it('keeps what a learner may type: NUL and control characters, emoji, other scripts; the list and the search still work', async () => {
        const { store } = await tempDb();
        // (SQLite's LIKE stops at a NUL: the words searched below come before it.)
        const typed = '日本語 أهلا 😀 bonjour\u0000 \u0007 fin';
        const [seq] = await store.record([
          {
            conversationId: 'c\u0000x',
            channelId: 'webchat',
            userId: 'u_1',
            direction: 'in',
            type: 'message',
            text: typed,
            at: new Date('2026-11-20'),
            activity: { text: typed },
          },
        ]);
        const [entry] = await store.activities((await store.conversations())[0]!.conversationId);
        // PostgreSQL's text cannot hold NUL: there it reads U+FFFD; the stored activity keeps it as sent.
        expect(entry!.text.replace('\uFFFD', '\u0000')).toBe(typed);
        expect(entry!.activity.text).toBe(typed);
        expect((await store.learnerMessage(seq!))?.text.replace('\uFFFD', '\u0000')).toBe(typed);
        expect(await store.countConversations({ text: '日本語' })).toBe(1);
        await store.close();
      });
    });

    describe("the console's queries", () => {
      const base = { channelId: 'webchat', userId: 'u_1', type: 'message', activity: {} } as const;
      const day = (d: number, h = 10) => new Date(Date.UTC(2026, 10, d, h));
      /** Three conversations: answered, unanswered with a 👎, older rows without readings; two channels. */
      async function filled(store: TranscriptStore): Promise<number[]> {
        const seqs = await store.record([
          {
            ...base,
            conversationId: 'a',
            direction: 'in',
            text: "Combien dure l'épreuve ?",
            at: day(20),
            kind: 'question',
            intent: 'duree_epreuve',
            confidence: 0.9,
            status: 'answered',
          },
          {
            ...base,
            conversationId: 'a',
            direction: 'out',
            text: 'Elle dure 2 h 30.',
            at: day(20),
            intent: 'duree_epreuve',
            status: 'answered',
            entryId: 'exam-duration',
          },
          {
            ...base,
            conversationId: 'b',
            channelId: 'msteams',
            direction: 'in',
            text: '50% de remise_totale ?',
            at: day(21),
            kind: 'question',
            intent: 'hors_sujet',
            confidence: 0.3,
            status: 'fallback',
          },
          {
            ...base,
            conversationId: 'b',
            channelId: 'msteams',
            direction: 'out',
            text: 'Je n’ai pas compris.',
            at: day(21),
            status: 'fallback',
          },
          {
            ...base,
            conversationId: 'b',
            channelId: 'msteams',
            direction: 'in',
            text: 'non',
            at: day(21, 11),
            kind: 'command',
            status: 'feedback_down',
            feedback: 'down',
          },
          { ...base, conversationId: 'c', direction: 'in', text: 'quelle heure à Tokyo', at: day(22) },
          {
            ...base,
            conversationId: 'c',
            direction: 'out',
            text: 'La fiche ne précise pas.',
            at: day(22),
            intent: 'hors_sujet',
            status: 'not_covered',
          },
        ]);
        return seqs;
      }

      it('lists newest first with figures, filters, totals, pages and channels', async () => {
        const { store } = await tempDb();
        const seqs = await filled(store);
        expect(seqs).toHaveLength(7);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        const list = await store.conversations();
        expect(
          list.map((c) => [c.conversationId, c.questions, c.unanswered, c.negativeFeedback, c.reviewed, c.preview]),
        ).toEqual([
          ['c', 1, 1, 0, false, 'quelle heure à Tokyo'],
          ['b', 1, 1, 1, false, '50% de remise_totale ?'],
          ['a', 1, 0, 0, false, "Combien dure l'épreuve ?"],
        ]);
        expect(list[1]).toMatchObject({ channelId: 'msteams', userId: 'u_1', startedAt: day(21), lastAt: day(21, 11) });
        const ids = async (filter: Parameters<TranscriptStore['conversations']>[0]) =>
          (await store.conversations(filter)).map((c) => c.conversationId);
        expect(await ids({ channel: 'msteams' })).toEqual(['b']);
        expect(await ids({ unansweredOnly: true })).toEqual(['c', 'b']);
        expect(await ids({ negativeFeedbackOnly: true })).toEqual(['b']);
        expect(await ids({ intent: 'duree_epreuve' })).toEqual(['a']);
        expect(await ids({ from: day(21, 10), to: day(21, 23) })).toEqual(['b']);
        // Words searched as typed, ignoring case; % and _ are plain characters, not patterns.
        expect(await ids({ text: 'combien DURE' })).toEqual(['a']);
        expect(await ids({ text: '50%' })).toEqual(['b']);
        expect(await ids({ text: 'e_t' })).toEqual(['b']);
        expect(await ids({ text: '%' })).toEqual(['b']);
        expect(await ids({ limit: 2 })).toEqual(['c', 'b']);
        expect(await ids({ limit: 2, offset: 2 })).toEqual(['a']);
        expect(await store.totals()).toEqual({
          conversations: 3,
          questions: 3,
          unanswered: 2,
          negativeFeedback: 1,
          reviewed: 0,
        });
        expect(await store.totals({ channel: 'webchat' })).toEqual({
          conversations: 2,
          questions: 2,
          unanswered: 1,
          negativeFeedback: 0,
          reviewed: 0,
        });
        expect(await store.countConversations({ unansweredOnly: true })).toBe(2);
        expect(await store.channels()).toEqual(['msteams', 'webchat']);
        await store.close();
      });

      it('reviews: marked, read back, filtered on, counted; corrections: one per sentence, the last wins', async () => {
        const { store } = await tempDb();
        const seqs = await filled(store);
        expect(await store.reviewOf('a')).toBeUndefined();
        await store.review('a', true, 'vu', 'claire');
        await store.review('b', true, 'à voir', 'paul');
        await store.review('b', false, 'à revoir', 'claire');
        const reviewA = await store.reviewOf('a');
        expect(reviewA).toMatchObject({ reviewed: true, note: 'vu', by: 'claire' });
        expect(reviewA?.at).toBeInstanceOf(Date);
        expect(await store.reviewOf('b')).toMatchObject({ reviewed: false, note: 'à revoir', by: 'claire' });
        expect((await store.conversations({ reviewed: true })).map((c) => c.conversationId)).toEqual(['a']);
        expect((await store.conversations({ reviewed: false })).map((c) => c.conversationId)).toEqual(['c', 'b']);
        expect((await store.totals()).reviewed).toBe(1);
        expect((await store.conversations()).find((c) => c.conversationId === 'a')?.reviewed).toBe(true);

        await store.correct({
          text: '50% de remise_totale ?',
          intent: 'tarif',
          by: 'claire',
          conversationId: 'b',
          seq: seqs[2]!,
        });
        await store.correct({ text: 'quelle heure à Tokyo', intent: 'hors_sujet', by: 'claire' });
        await store.correct({
          text: '50% de remise_totale ?',
          intent: 'hors_sujet',
          by: 'paul',
          conversationId: 'b',
          seq: seqs[2]!,
        });
        const corrections = await store.corrections();
        expect(corrections.map((c) => [c.intent, c.text, c.by])).toEqual([
          ['hors_sujet', '50% de remise_totale ?', 'paul'],
          ['hors_sujet', 'quelle heure à Tokyo', 'claire'],
        ]);
        expect(corrections[0]).toMatchObject({ conversationId: 'b', seq: seqs[2] });
        expect(corrections[0]!.at).toBeInstanceOf(Date);
        expect(corrections[1]).not.toHaveProperty('conversationId');
        await store.close();
      });

      it('learner messages of a window with their reading, oldest first; one message by its number', async () => {
        const { store } = await tempDb();
        const seqs = await filled(store);
        const all = await store.learnerMessages({ from: day(1), to: day(30) });
        expect(all.map((m) => [m.conversationId, m.kind, m.intent, m.status, m.feedback])).toEqual([
          ['a', 'question', 'duree_epreuve', 'answered', undefined],
          ['b', 'question', 'hors_sujet', 'fallback', undefined],
          ['b', 'command', undefined, 'feedback_down', 'down'],
          // An older row: read through the bot's first reply.
          ['c', 'question', 'hors_sujet', 'not_covered', undefined],
        ]);
        expect(all[0]).toMatchObject({
          seq: seqs[0],
          channelId: 'webchat',
          text: "Combien dure l'épreuve ?",
          at: day(20),
          confidence: 0.9,
        });
        expect((await store.learnerMessages({ from: day(21), to: day(21, 23) })).map((m) => m.seq)).toEqual([
          seqs[2],
          seqs[4],
        ]);
        expect(await store.learnerMessage(seqs[5]!)).toMatchObject({
          seq: seqs[5],
          kind: 'question',
          status: 'not_covered',
        });
        expect(await store.learnerMessage(seqs[1]!)).toBeUndefined(); // a reply is no learner message
        expect(await store.learnerMessage(999_999)).toBeUndefined();
        await store.close();
      });
    });
    describe('feedback typed after an answer', () => {
      it('« non » right after an answer is recorded as a 👎 on that message, counted in the list', async () => {
        const { store } = await tempDb();
        const adapter = setup('webchat', store);
        await adapter.send("combien dure l'épreuve ?").startTest();
        await adapter.send('non').startTest();
        await settled();
        const [c] = await store.conversations();
        expect(c!.negativeFeedback).toBe(1);
        const typed = (await store.activities(c!.conversationId)).find((e) => e.direction === 'in' && e.text === 'non');
        expect(typed?.feedback).toBe('down');
        await store.close();
      });
    });

    describe('personal data in the database file', () => {
      const PII = [
        'marie.dupont@example.com',
        '06 12 34 56 78',
        '+33 6 98 76 54 32',
        '1 85 05 78 006 084 36',
        'FR76 3000 6000 0112 3456 7890 189',
        '12 rue de la Paix',
        'Marie Dupont',
        'user-emulator',
      ];

      it('finds none of the PII test set in clear in what is stored (SQLite: the file and its WAL)', async () => {
        const { store, stored } = await tempDb();
        const adapter = setup('emulator', store);
        await adapter
          .send('mon mail marie.dupont@example.com et mon tel 06 12 34 56 78, je veux m inscrire')
          .startTest();
        await adapter.send('ou +33 6 98 76 54 32, secu 1 85 05 78 006 084 36').startTest();
        await adapter.send("mon IBAN FR76 3000 6000 0112 3456 7890 189, j'habite 12 rue de la Paix").startTest();
        await settled();
        const all = await stored();
        for (const secret of PII) expect(all.includes(secret), secret).toBe(false);
        expect(all).toContain('[e-mail]');
        expect(all).toContain('[IBAN]');
        expect(all).toContain('je veux m inscrire');
        await store.close();
      });
    });

    describe('retention and erasure', () => {
      it('purges conversations past retention and erases one learner on request', async () => {
        const { store } = await tempDb();
        const at = (d: string) => new Date(d);
        const e = (conversationId: string, userId: string, date: string): TranscriptEntry => ({
          conversationId,
          channelId: 'emulator',
          userId,
          direction: 'in',
          type: 'message',
          text: 'x',
          at: at(date),
          activity: {},
        });
        await store.record([
          e('old', 'u_a', '2026-01-01'),
          e('recent', 'u_a', '2026-11-20'),
          e('other', 'u_b', '2026-11-21'),
        ]);
        expect(await store.purgeBefore(at('2026-05-30'))).toBe(1);
        expect((await store.conversations()).map((c) => c.conversationId).sort()).toEqual(['other', 'recent']);
        expect(await store.eraseUser('u_a')).toBe(1);
        expect((await store.conversations()).map((c) => c.conversationId)).toEqual(['other']);
        await store.close();
      });

      it("« supprimer mes données » in the chat erases that learner's activities, the request and its confirmation included", async () => {
        const { store } = await tempDb();
        const adapter = setup('webchat', store);
        const other = setup('emulator', store);
        await other.send("combien dure l'épreuve ?").startTest();
        await adapter.send("combien dure l'épreuve ?").startTest();
        adapter.activeQueue.splice(0);
        await adapter.send('je voudrais que vous effaciez toutes mes données svp').startTest();
        expect(adapter.activeQueue.map((a) => a.text).join(' ')).toMatch(/effacés/);
        await settled();
        const users = (await Promise.all((await store.conversations()).map((c) => store.activities(c.conversationId))))
          .flat()
          .map((e) => e.userId);
        expect(users.length).toBeGreaterThan(0);
        // Only the other learner's conversation is left.
        expect(new Set(users)).toEqual(new Set([pseudonymize('user-emulator', KEY)]));
        await store.close();
      });

      it('leaves no trace of an erased learner in any table (a new table must be covered too)', async () => {
        const { store, tables } = await tempDb();
        await store.record([
          {
            conversationId: 'c1',
            channelId: 'emulator',
            userId: 'u_gone',
            direction: 'in',
            type: 'message',
            text: 'ma question sur le CPF',
            at: new Date('2026-11-20'),
            activity: { text: 'ma question sur le CPF' },
          },
        ]);
        await store.review('c1', true, 'vu', 'staff');
        await store.correct({ text: 'ma question sur le CPF', intent: 'hors_sujet', by: 'staff' });
        expect(Object.values(await tables())).toEqual([1, 1, 1]);
        await store.eraseUser('u_gone');
        await store.close();
        const counts = await tables();
        expect(Object.keys(counts).sort()).toEqual(
          backend.name === 'SQLite'
            ? ['activities', 'assignments', 'reviews']
            : ['transcript_activities', 'transcript_assignments', 'transcript_reviews'],
        );
        for (const [table, n] of Object.entries(counts)) expect(n, table).toBe(0);
      });
    });

    describe('rows recorded before learner messages kept their reading', () => {
      it('are read through the first reply: a question, with its status, counted unanswered in the list', async () => {
        const { store } = await tempDb();
        const base = { conversationId: 'old', channelId: 'emulator', userId: 'u', type: 'message', activity: {} };
        const [q] = await store.record([
          { ...base, direction: 'in', text: 'quelle heure à Tokyo', at: new Date(2026, 0, 1, 10) },
          {
            ...base,
            direction: 'out',
            text: 'Je n’ai pas compris',
            at: new Date(2026, 0, 1, 10),
            intent: 'hors_sujet',
            confidence: 0.4,
            status: 'fallback',
          },
        ]);
        expect(await store.learnerMessage(q!)).toMatchObject({
          kind: 'question',
          status: 'fallback',
          intent: 'hors_sujet',
          confidence: 0.4,
        });
        expect((await store.conversations())[0]).toMatchObject({
          questions: 1,
          unanswered: 1,
          preview: 'quelle heure à Tokyo',
          reviewed: false,
        });
        await store.annotate(q!, { kind: 'question', intent: 'hors_sujet', confidence: 0.9, status: 'answered' });
        expect(await store.learnerMessage(q!)).toMatchObject({ kind: 'question', status: 'answered', confidence: 0.9 });
        expect((await store.conversations())[0]!.unanswered).toBe(0);
        await store.close();
      });
    });

    describe('the running server records what reaches /api/messages', () => {
      it('writes the conversation to its store (npm start: TRANSCRIPTS_FILE, or DATABASE_URL)', async () => {
        const { env, reopen } = await tempDb();
        const connector = new StandInConnector();
        await connector.start();
        const bot = await startApp({ ...env, TRANSCRIPT_PSEUDONYM_KEY: KEY });
        try {
          const activity = {
            type: 'message',
            channelId: 'emulator',
            serviceUrl: connector.url,
            id: 'a1',
            from: { id: 'learner-http', name: 'Paul' },
            recipient: { id: 'bot' },
            conversation: { id: 'http-transcript' },
            text: "c'est quand l'examen ? mon tel 06 11 22 33 44",
          };
          const r = await fetch(`${bot.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(activity),
          });
          expect(r.status).toBeLessThan(300);
        } finally {
          await bot.stop();
          await connector.stop();
        }
        const store = await reopen();
        const entries = await store.activities('http-transcript');
        expect(entries[0]).toMatchObject({ direction: 'in', userId: pseudonymize('learner-http', KEY) });
        expect(entries[0]!.text).toContain('[téléphone]');
        expect(entries.find((e) => e.direction === 'out')?.intent).toBe('session_examen');
        await store.close();
      });
    });

    describe('dialog and step of each reply', () => {
      it('are recorded while a guided dialog runs', async () => {
        const { store } = await tempDb();
        const adapter = setup('emulator', store);
        await adapter.send("je veux m'inscrire").startTest();
        await adapter.send('oui').startTest();
        await settled();
        const [c] = await store.conversations();
        const dialogs = (await store.activities(c!.conversationId))
          .filter((e) => e.direction === 'out')
          .map((e) => e.dialog);
        expect(dialogs[0]).toMatch(/^registration › registration-steps#1 › prompt-yesno/);
        expect(dialogs[1]).toMatch(/^registration › registration-steps#2/);
        await store.close();
      });

      it('the summary that ends a dialog, an Adaptive Card alone on Web Chat, is recorded with its words', async () => {
        const { store } = await tempDb();
        const adapter = setup('webchat', store);
        for (const text of ["je veux m'inscrire", 'oui', 'en juin 2026', '69']) await adapter.send(text).startTest();
        await settled();
        const [c] = await store.conversations();
        const last = (await store.activities(c!.conversationId))
          .filter((e) => e.direction === 'out' && e.type === 'message')
          .at(-1)!;
        expect(last.text).toMatch(/juin 2027/);
        expect(last.text).toMatch(/Lyon/);
        await store.close();
      });
    });

    describe("what is stored: redacted, without damage, and only the bot's own trace", () => {
      it('keeps ids and times intact, redacts text, ignores a trace a learner sends', async () => {
        const { store } = await tempDb();
        const assistant = testAssistant();
        const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
          channelId: 'emulator',
          conversation: { id: 'stored-1' },
          from: { id: 'learner-s', name: 'Marie' },
          recipient: { id: 'bot' },
        } as never);
        adapter.use(recorder(store));
        await adapter.processActivity({
          type: 'message',
          id: '4970101234567890',
          timestamp: new Date('2026-11-26T10:00:00Z'),
          text: "rappelez moi au 6 12 34 56 78, combien dure l'épreuve ?",
          channelData: {
            answer: { intent: 'note_minimale', confidence: 1, status: 'answered', entryId: 'pass-grade' },
          },
        });
        await settled();
        const [inbound] = (await store.activities('stored-1')).filter((e) => e.direction === 'in');
        expect(inbound!.text).toContain('[téléphone]');
        // The bot's own reading of the message (« combien dure l'épreuve »), not the one the learner claims.
        expect(inbound!.intent).toBe('duree_epreuve');
        expect(inbound!.kind).toBe('question');
        expect(inbound!.entryId).toBeUndefined();
        expect(inbound!.activity.id).toBe('4970101234567890');
        expect(inbound!.activity.timestamp).toBe('2026-11-26T10:00:00.000Z');
        await store.close();
      });

      it('keeps a long message only as far as the bot reads it (MAX_MESSAGE_CHARS), in the entry and in the stored activity', async () => {
        const { store } = await tempDb();
        const assistant = testAssistant();
        const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
          channelId: 'emulator',
          conversation: { id: 'stored-long' },
          from: { id: 'learner-l' },
          recipient: { id: 'bot' },
        } as never);
        adapter.use(recorder(store));
        await adapter.processActivity({ type: 'message', text: `combien dure l'épreuve ? ${'blabla '.repeat(1500)}` });
        await settled();
        const [inbound] = (await store.activities('stored-long')).filter((e) => e.direction === 'in');
        expect(inbound!.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 4);
        expect(inbound!.text.endsWith('[…]')).toBe(true);
        expect(String(inbound!.activity.text).length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 4);
        await store.close();
      });

      it("pseudonymises a Teams personal chat's conversation id and tenant (stable per learner)", async () => {
        const { store } = await tempDb();
        const assistant = testAssistant();
        const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
          channelId: 'msteams',
          conversation: { id: 'a:1personal-chat-id', conversationType: 'personal', tenantId: 'tenant-7f3a' },
          from: { id: '29:learner', name: 'Marie' },
          recipient: { id: '28:bot' },
        } as never);
        adapter.use(recorder(store));
        await adapter.processActivity({
          type: 'message',
          text: "combien dure l'épreuve ?",
          channelData: { tenant: { id: 'tenant-7f3a' } },
        });
        await settled();
        const [c] = await store.conversations();
        expect(c!.conversationId).toBe(pseudonymize('a:1personal-chat-id', KEY));
        const stored = JSON.stringify(await store.activities(c!.conversationId));
        expect(stored).not.toContain('personal-chat-id');
        expect(stored).not.toContain('tenant-7f3a');
        expect(stored).toContain('2 h 30');
        await store.close();
      });
    });

    describe('what leaves the server, and what the store keeps of it (points 7 and 9)', () => {
      it('replies carry no internal data; how each was understood reaches the store only', async () => {
        const { env, reopen } = await tempDb();
        const connector = new StandInConnector();
        await connector.start();
        const bot = await startApp({ ...env, TRANSCRIPT_PSEUDONYM_KEY: KEY, ASSISTANT_TODAY: '2026-11-26' });
        try {
          for (const [i, text] of ["combien dure l'épreuve ?", "je veux m'inscrire", 'Pas encore'].entries()) {
            const activity = {
              type: 'message',
              channelId: 'msteams',
              serviceUrl: connector.url,
              id: `m${i}`,
              from: { id: '29:learner-out' },
              recipient: { id: '28:bot' },
              conversation: { id: 'a:leaves-the-server', conversationType: 'personal', tenantId: 't-1' },
              text,
              channelData: { tenant: { id: 't-1' } },
            };
            const r = await fetch(`${bot.url}/api/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(activity),
            });
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
        const store = await reopen();
        const [c] = await store.conversations();
        const out = (await store.activities(c!.conversationId)).filter((e) => e.direction === 'out');
        expect(out[0]).toMatchObject({ intent: 'duree_epreuve', status: 'answered', entryId: 'exam-duration' });
        expect(out.slice(1).map((e) => e.dialog)).toEqual([
          expect.stringMatching(/^registration › /),
          expect.stringMatching(/^registration › registration-steps#2/),
        ]);
        await store.close();
      });

      it('records answers to follow-up buttons and « Plus de détails » with how they were understood', async () => {
        const { store } = await tempDb();
        const assistant = testAssistant();
        const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
          channelId: 'emulator',
          conversation: { id: 'buttons-1' },
          from: { id: 'learner-b' },
          recipient: { id: 'bot' },
        } as never);
        adapter.use(recorder(store));
        await adapter.processActivity({ type: 'message', text: 'combien coute l inscription' });
        const first = adapter.activeQueue.splice(0).find((a) => a.type === 'message')!;
        // A follow-up button: it sends an entry's question as its label.
        const followUp = first
          .suggestedActions!.actions.map((a) => String(a.value))
          .find((v) => assistant.answerer.kb.entryByQuestion(v))!;
        expect(followUp).toBeDefined();
        await adapter.processActivity({ type: 'message', text: followUp });
        await adapter.processActivity({ type: 'message', text: 'Plus de détails' });
        await settled();
        const out = (await store.activities('buttons-1')).filter((e) => e.direction === 'out');
        expect(out).toHaveLength(3);
        const clicked = assistant.answerer.kb.entryByQuestion(followUp)!;
        expect(out[1]).toMatchObject({
          intent: clicked.intents[0],
          status: 'answered',
          entryId: clicked.id,
          confidence: 1,
        });
        expect(out[2]).toMatchObject({ intent: clicked.intents[0], status: 'answered', entryId: clicked.id });
        // Only the typed message is a question: the button and « Plus de détails » are not.
        const messages = await store.learnerMessages({ from: new Date(0), to: new Date(8.64e15) });
        expect(messages.map((m) => m.kind)).toEqual(['question', 'button', 'command']);
        const stats = statistics(messages, new Set());
        expect([stats.questions, stats.answered]).toEqual([1, 1]);
        await store.close();
      });
    });

    describe('.transcript exports open in the Emulator like a native conversation (point 8)', () => {
      it("roles set, ids, timestamps and event names intact: Web Chat's own reducer renders every message", async () => {
        const { env, reopen } = await tempDb();
        const connector = new StandInConnector();
        await connector.start();
        const bot = await startApp({ ...env, TRANSCRIPT_PSEUDONYM_KEY: KEY, ASSISTANT_TODAY: '2026-11-26' });
        const posted: Record<string, unknown>[] = [];
        try {
          for (const fixture of ['personal-interactions.json', 'group-chat.json']) {
            const text = readFileSync(join(import.meta.dirname, 'fixtures', 'teams', fixture), 'utf8').replaceAll(
              '{{serviceUrl}}',
              connector.url,
            );
            for (const step of (JSON.parse(text) as { steps: Record<string, unknown>[][] }).steps) {
              for (const activity of step) {
                posted.push(activity);
                await fetch(`${bot.url}/api/messages`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(activity),
                });
              }
            }
          }
        } finally {
          await bot.stop();
          await connector.stop();
        }
        const { createStore } = await import('botframework-webchat-core');
        const store = await reopen();
        const conversations = await store.conversations();
        expect(conversations).toHaveLength(2);
        const byId = new Map(posted.map((a) => [a.id, a]));
        for (const c of conversations) {
          const exported = JSON.parse(
            toTranscriptFile(await store.activities(c.conversationId)),
          ) as Partial<Activity>[];
          // Who sent it decides the side Web Chat shows it on.
          for (const a of exported) {
            const inbound = byId.has(a.id);
            expect([a.from?.role, a.recipient?.role], `${a.type} ${a.id}`).toEqual(
              inbound ? ['user', 'bot'] : ['bot', 'user'],
            );
            if (!inbound) continue;
            const original = byId.get(a.id)!;
            expect(a.timestamp).toBe(original.timestamp);
            expect(a.localTimestamp).toBe(original.localTimestamp);
            if (original.replyToId) expect(a.replyToId).toBe(original.replyToId);
            if (original.name) expect(a.name).toBe(original.name);
          }
          // The Emulator hands a transcript's activities to Web Chat one by one, as incoming activities.
          const webchat = createStore();
          for (const activity of exported)
            webchat.dispatch({ type: 'DIRECT_LINE/INCOMING_ACTIVITY', payload: { activity } });
          const rendered = (
            webchat.getState() as { activities: { type: string; from: { role: string } }[] }
          ).activities.filter((a) => a.type === 'message');
          const messages = exported.filter((a) => a.type === 'message');
          expect(rendered).toHaveLength(messages.length);
          expect(rendered.filter((a) => a.from.role === 'user')).toHaveLength(
            messages.filter((a) => byId.has(a.id)).length,
          );
          expect(rendered.filter((a) => a.from.role === 'bot').length).toBeGreaterThan(0);
        }
        // Every activity posted is exported once, under its own id (none redacted, none merged).
        const files = await Promise.all(
          conversations.map(async (c) => toTranscriptFile(await store.activities(c.conversationId))),
        );
        const exportedIds = files
          .flatMap((f) => (JSON.parse(f) as { id?: string }[]).map((a) => a.id))
          .filter((id) => byId.has(id));
        expect(exportedIds.sort()).toEqual([...byId.keys()].sort());
        const names = files
          .flatMap((f) => JSON.parse(f) as { name?: string }[])
          .map((a) => a.name)
          .filter(Boolean);
        expect(names).toEqual(expect.arrayContaining(['adaptiveCard/action', 'fileConsent/invoke']));
        // Only the activity's own name is kept: display names stay out.
        const all = files.join('\n');
        for (const person of ['Alice Martin', 'Bob Leroy']) expect(all).not.toContain(person);
        // A row recorded by an older version, whose localTimestamp was stored as {}.
        const [old] = JSON.parse(
          toTranscriptFile([
            {
              conversationId: 'c',
              channelId: 'msteams',
              userId: 'u',
              direction: 'in',
              type: 'message',
              text: 'x',
              at: new Date('2026-11-26T10:00:00Z'),
              activity: { type: 'message', id: '1', localTimestamp: {} },
            },
          ]),
        ) as Record<string, unknown>[];
        expect(old).not.toHaveProperty('localTimestamp');
        await store.close();
      });
    });
  });
}
