import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { TranscriptRecorder } from './recorder.ts';
import { TranscriptJournal } from './journal.ts';
import { PostgresTranscriptStore } from './postgres-store.ts';
import { SqliteTranscriptStore } from './sqlite-store.ts';
import type { TranscriptStore } from './store.ts';

export interface TranscriptSettings {
  file: string;
  retentionDays: number;
  /** Key of the pseudonymous ids; when absent, one is created next to the database and kept. */
  pseudonymKey?: string;
  /** Where entries wait while the store refuses writes; default: beside the database (`<file>.journal`). */
  journalFile?: string;
  /** How often entries waiting in the journal are written again without new traffic (ms). */
  flushEveryMs?: number;
  /** At stop, how long to wait for the store before journaling what is still in memory (ms, default 5 000). */
  stopWaitMs?: number;
}

/** The key that turns learner ids into pseudonyms: configured, or generated once and kept (0600). */
export function resolvePseudonymKey(databaseFile: string, configured?: string): string {
  if (configured) return configured;
  const file = join(dirname(databaseFile), 'pseudonym.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export interface TranscriptsSetUp {
  store: TranscriptStore;
  recorder: TranscriptRecorder;
  /** Stops the timers, writes what waits and closes the store; true when nothing waits any more. */
  stop: () => Promise<boolean>;
}

/**
 * Opens the store — PostgreSQL when given the server's pool (DATABASE_URL: one store for every
 * instance), else SQLite in `file` — purges what is past retention now and daily, and returns the
 * recorder. Entries the store refuses wait in the journal (a local file, `<file>.journal`, whichever
 * the store) and are written back with the next write, every `flushEveryMs` (30 s), and at stop().
 */
export async function setUpTranscripts(
  settings: TranscriptSettings & { pool?: pg.Pool },
  logger: Logger,
  clock: () => Date = () => new Date(),
): Promise<TranscriptsSetUp> {
  const store: TranscriptStore = settings.pool
    ? new PostgresTranscriptStore(settings.pool)
    : new SqliteTranscriptStore(settings.file);
  const purge = async () => {
    try {
      const before = new Date(clock().getTime() - settings.retentionDays * 86_400_000);
      const removed = await store.purgeBefore(before);
      if (removed > 0)
        logger.info({ removed, retentionDays: settings.retentionDays }, 'transcripts past retention purged');
    } catch (err) {
      logger.error({ err }, 'transcripts purge failed; will try again tomorrow');
    }
  };
  // Not awaited: the start does not wait for a purge (a large one, or a database slow to answer).
  void purge();
  const timer = setInterval(() => void purge(), 86_400_000);
  timer.unref();
  const journal = new TranscriptJournal(settings.journalFile ?? `${settings.file}.journal`);
  const recorder = new TranscriptRecorder(store, {
    pseudonymKey: resolvePseudonymKey(settings.file, settings.pseudonymKey),
    logger,
    journal,
    clock,
  });
  // Entries spooled by an earlier run (the store was down when it stopped) are written now if possible.
  await recorder.flush();
  const flusher = setInterval(() => void recorder.flush(), settings.flushEveryMs ?? 30_000);
  flusher.unref();
  return {
    store,
    recorder,
    stop: async () => {
      clearInterval(timer);
      clearInterval(flusher);
      let late: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        recorder.flush(),
        new Promise<undefined>((r) => {
          late = setTimeout(() => r(undefined), settings.stopWaitMs ?? 5_000);
        }),
      ]);
      clearTimeout(late);
      if (answered === undefined) {
        // The store hangs (a database that stopped answering): what is only in memory goes to the journal.
        const spooled = recorder.abandon();
        logger.warn(
          { spooled, journal: journal.file },
          'transcript store does not answer at stop: entries written to the journal for the next start',
        );
      }
      const flushed = answered === true;
      if (answered === false)
        logger.warn(
          { waiting: recorder.waiting(), journal: journal.file },
          'transcript store still refuses writes: entries wait in the journal for the next start',
        );
      await store.close();
      return flushed;
    },
  };
}
