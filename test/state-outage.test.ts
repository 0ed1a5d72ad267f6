import { execFileSync } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './in-process-app.ts';
import { postMessage } from './in-process-bot.ts';
import { ownPostgresForThisFile, postgresMissing } from './postgres-server.ts';
import { StandInConnector } from './server-process.ts';
import { folded } from './helpers.ts';
import { loadConversation } from '../knowledge/conversation.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { tempDir } from './temp.ts';

/**
 * The conversation store unavailable while learners write — PostgreSQL stopped, the SQLite file
 * read-only, its disk full — with the whole app `npm start` serves (state, welcome claims and
 * transcripts wired as in production): every message still gets an answer, said to be not remembered;
 * a guided step that cannot be kept is not taken, and said so; the stored state stays the one before
 * the outage, so the learner's dialog goes on where it was once the store is back.
 */
const words = loadConversation(join(KNOWLEDGE_DIR, 'conversation.fr.yaml')).state_unavailable;
const NOT_KEPT = folded(words.not_kept);
const STEP_NOT_KEPT = folded(words.step_not_kept);
const REGISTRATION_FIRST = 'avez-vous termine votre formation ?';

const connector = new StandInConnector();
const apps: RunningApp[] = [];
// A server of this file's own: a test stops it (the run's server is shared by the files running beside).
const postgres = ownPostgresForThisFile();
beforeAll(async () => {
  await connector.start();
});
afterAll(async () => {
  for (const app of apps) await app.stop();
  await connector.stop();
});

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));

/** What the learner received for one message they sent (its HTTP answer comes once the replies left). */
async function say(app: RunningApp, conversationId: string, text: string): Promise<string[]> {
  const before = texts(conversationId).length;
  const r = await postMessage(app.url, connector.url, conversationId, text);
  expect(r.status).toBe(200);
  return texts(conversationId).slice(before);
}

/** The channel opens a conversation (Emulator, Web Chat): the learner joins, the bot may greet. */
async function open(app: RunningApp, conversationId: string): Promise<string[]> {
  const before = texts(conversationId).length;
  const r = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'conversationUpdate',
      channelId: 'emulator',
      serviceUrl: connector.url,
      id: `open-${conversationId}`,
      from: { id: 'learner-1' },
      recipient: { id: 'bot' },
      conversation: { id: conversationId },
      membersAdded: [{ id: 'learner-1' }],
    }),
  });
  expect(r.status).toBe(200);
  return texts(conversationId).slice(before);
}

/**
 * One learner's path through an outage of the store, on any back-end: mid-registration they ask a
 * question, then answer the registration's question; a second learner arrives and asks; back, the
 * registration goes on at the step it was. `unreadable`: the store cannot even be read (PostgreSQL
 * stopped), rather than refusing writes only (SQLite read-only or full). `storedRows` reads what the
 * store holds, directly.
 */
async function throughAnOutage(
  app: RunningApp,
  o: {
    name: string;
    unreadable: boolean;
    down: () => Promise<void>;
    up: () => Promise<void>;
    storedRows: () => Promise<string[]>;
  },
): Promise<void> {
  const conv = `${o.name}-registering`;
  const arriving = `${o.name}-arriving`;
  expect(await say(app, conv, "je veux m'inscrire")).toEqual([REGISTRATION_FIRST]);
  const rowsBefore = await o.storedRows();

  await o.down();
  try {
    const answered = await say(app, conv, "combien coûte l'inscription ?");
    expect(answered.join('\n')).toMatch(/frais de 5,00 €/);
    if (o.unreadable) {
      // Read alone, as in a new conversation: answered, the notice first (nothing of it is remembered).
      expect(answered[0]).toBe(NOT_KEPT);
      expect(answered).toHaveLength(2);
    } else {
      // Read with its state: answered and the registration's question asked again — a turn that left
      // the state as it was has nothing to lose, and says nothing about the store.
      expect(answered.slice(1)).toEqual(['reprenons :', REGISTRATION_FIRST]);
    }

    const yes = await say(app, conv, 'oui');
    if (o.unreadable) {
      // A lone « oui »: not understood without the question it answers, the notice says why.
      expect(yes[0]).toBe(NOT_KEPT);
      expect(yes[1]).toMatch(/^je ne suis pas sur d'avoir compris/);
    } else {
      // The registration's next step cannot be kept: not taken, and said so (not the next question).
      expect(yes).toEqual([STEP_NOT_KEPT]);
    }

    // A learner arriving now: no welcome (who was greeted cannot be recorded), their questions answered
    // with the notice first (their new state cannot be saved).
    expect(await open(app, arriving)).toEqual([]);
    const first = await say(app, arriving, "c'est quand l'examen ?");
    expect(first[0]).toBe(NOT_KEPT);
    expect(first.slice(1).join('\n')).toMatch(/juin/);
    // Starting a guided dialog needs the store: refused politely, whatever the back-end.
    expect(await say(app, arriving, "je veux m'inscrire")).toEqual([STEP_NOT_KEPT]);
  } finally {
    await o.up();
  }

  // Nothing of the outage reached the store: the same rows, the same eTags (no half-applied turn).
  expect(await o.storedRows()).toEqual(rowsBefore);
  // Back: the registration goes on from where it was before the outage.
  expect((await say(app, conv, 'oui')).at(-1)).toMatch(/^quand l'avez-vous terminee \?/);
  // The arriving learner is answered as usual, without the notice, and their dialog starts.
  expect(await say(app, arriving, "je veux m'inscrire")).toEqual([REGISTRATION_FIRST]);
  // No turn failed for another reason (no generic apology, no « turn failed »).
  expect(texts(conv).concat(texts(arriving)).join('\n')).not.toMatch(/m'a empeche de vous repondre/);
  expect(app.logs.messages()).not.toContain('turn failed');
}

/** The store's SQLite connection (private): SQLite's own switches set on the connection the app opened. */
const connection = (store: object) => (store as { db: Database.Database }).db;
const rowsOf = (db: Database.Database) => async () =>
  db
    .prepare<[], { key: string; etag: string }>('SELECT key, etag FROM bot_state ORDER BY key')
    .all()
    .map((r) => `${r.key}:${r.etag}`);

describe('SQLite (STATE_FILE)', () => {
  it('read-only: every message answered, guided steps refused politely, the state as it was once writable', async () => {
    const app = await startApp({ ASSISTANT_TODAY: '2026-11-26' });
    apps.push(app);
    const state = connection(app.app.state.storage);
    const welcomes = connection(app.app.state.welcomes);
    // SQLite's read-only mode on the app's connections: every write fails with SQLITE_READONLY, as with
    // a file made read-only (tests may run as root, for whom file modes refuse nothing).
    const readOnly = (on: boolean) => async () => {
      for (const db of [state, welcomes]) db.pragma(`query_only = ${on ? 1 : 0}`);
    };
    await throughAnOutage(app, {
      name: 'sqlite-read-only',
      unreadable: false,
      down: readOnly(true),
      up: readOnly(false),
      storedRows: rowsOf(state),
    });
    expect(app.logs.messages()).toContain(
      'conversation state not saved (store unavailable): the stored state stays the one before the turn',
    );
  });

  // A real full disk: a small tmpfs holding STATE_FILE and TRANSCRIPTS_FILE (so the transcripts' journal
  // too), filled up by another file. Needs mount (root with CAP_SYS_ADMIN, as on the CI's machine);
  // elsewhere skipped with a message.
  const disk = smallDisk();
  it.skipIf(!disk.mounted)(
    'disk full: the same, with SQLITE_FULL; transcripts wait in memory, written once there is room',
    async () => {
      const app = await startApp({
        ASSISTANT_TODAY: '2026-11-26',
        STATE_FILE: join(disk.dir, 'state.sqlite'),
        TRANSCRIPTS_FILE: join(disk.dir, 'transcripts.sqlite'),
      });
      apps.push(app);
      const filler = join(disk.dir, 'filler');
      const fill = async () => {
        const free = statfsSync(disk.dir);
        writeFileSync(filler, Buffer.alloc(Number(free.bavail * free.bsize)));
        expect(() => writeFileSync(join(disk.dir, 'one-more'), 'x')).toThrow(/ENOSPC/);
      };
      const free = async () => rmSync(filler);
      await throughAnOutage(app, {
        name: 'sqlite-full',
        unreadable: false,
        down: fill,
        up: free,
        storedRows: rowsOf(connection(app.app.state.storage)),
      });
      expect(
        app.logs.lines.some(
          (l) =>
            l.msg ===
              'conversation state not saved (store unavailable): the stored state stays the one before the turn' &&
            /SQLITE_FULL|disk is full/.test(JSON.stringify(l.err)),
        ),
      ).toBe(true);
      // The transcript store and its journal refused (no room for either): the entries waited in memory,
      // and reach the store once there is room again, in order, none lost.
      expect(app.logs.messages()).toContain('transcript write failed; will retry with the next write');
      const { store, recorder } = app.app.transcripts;
      expect(await recorder.flush()).toBe(true);
      expect(recorder.waiting()).toBe(0);
      const learnerSaid = async (conversationId: string) =>
        (await store.activities(conversationId)).filter((e) => e.direction === 'in').map((e) => e.text);
      expect(await learnerSaid('sqlite-full-registering')).toEqual([
        "je veux m'inscrire",
        "combien coûte l'inscription ?",
        'oui',
        'oui',
      ]);
      expect(await learnerSaid('sqlite-full-arriving')).toEqual([
        '',
        "c'est quand l'examen ?",
        "je veux m'inscrire",
        "je veux m'inscrire",
      ]);
    },
  );
  afterAll(() => disk.unmount());
});

describe.skipIf(postgresMissing)('PostgreSQL (DATABASE_URL) stopped', () => {
  it('every message answered without its state, guided steps refused politely; once back, the dialog goes on', async () => {
    const url = await postgres.server().createDatabase();
    const app = await startApp({ ASSISTANT_TODAY: '2026-11-26', DATABASE_URL: url });
    apps.push(app);
    const pool = await postgres.pool(url);
    const rows = async () =>
      (await pool.query<{ key: string; etag: string }>('SELECT key, etag FROM bot_state ORDER BY key')).rows.map(
        (r) => `${r.key}:${r.etag}`,
      );
    await throughAnOutage(app, {
      name: 'postgres-stopped',
      unreadable: true,
      down: () => postgres.server().halt(),
      up: () => postgres.server().resume(),
      storedRows: rows,
    });
    const messages = app.logs.messages();
    expect(messages).toContain('conversation state unreadable (store unavailable): answered without it');
    expect(messages).toContain('welcome claim failed (conversation store unavailable): no welcome');
    // The transcripts of the outage waited in the journal, and reached the database once it was back.
    const { recorder } = app.app.transcripts;
    expect(await recorder.flush()).toBe(true);
    const { rows: recorded } = await pool.query<{ text: string }>(
      "SELECT text FROM transcript_activities WHERE conversation_id = 'postgres-stopped-registering' AND direction = 'in' ORDER BY seq",
    );
    expect(recorded.map((r) => r.text)).toEqual(["je veux m'inscrire", "combien coûte l'inscription ?", 'oui', 'oui']);
  }, 60_000);
});

/** A 2 MB tmpfs of this test's own, when this machine lets us mount one. */
function smallDisk(): { dir: string; mounted: boolean; unmount: () => void } {
  const dir = tempDir('small-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    console.warn(`disk-full test skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
    return { dir, mounted: false, unmount: () => rmSync(dir, { recursive: true, force: true }) };
  }
  return {
    dir,
    mounted: true,
    unmount: () => {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
