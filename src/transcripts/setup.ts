import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger.ts';
import { TranscriptRecorder } from './recorder.ts';
import { TranscriptJournal } from './journal.ts';
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

/**
 * Opens the store, purges what is past retention now and daily, and returns the recorder. Entries the
 * store refuses wait in the journal and are written back with the next write, every `flushEveryMs`
 * (30 s), and at stop() — which returns whether anything is still waiting.
 */
export function setUpTranscripts(settings: TranscriptSettings, logger: Logger, clock: () => Date = () => new Date()): { store: TranscriptStore; recorder: TranscriptRecorder; stop: () => boolean } {
  const store = new SqliteTranscriptStore(settings.file);
  const purge = () => {
    try {
      const before = new Date(clock().getTime() - settings.retentionDays * 86_400_000);
      const removed = store.purgeBefore(before);
      if (removed > 0) logger.info({ removed, retentionDays: settings.retentionDays }, 'transcripts past retention purged');
    } catch (err) {
      logger.error({ err }, 'transcripts purge failed; will try again tomorrow');
    }
  };
  purge();
  const timer = setInterval(purge, 86_400_000);
  timer.unref();
  const journal = new TranscriptJournal(settings.journalFile ?? `${settings.file}.journal`);
  const recorder = new TranscriptRecorder(store, { pseudonymKey: resolvePseudonymKey(settings.file, settings.pseudonymKey), logger, journal });
  // Entries spooled by an earlier run (the store was down when it stopped) are written now if possible.
  recorder.flush();
  const flusher = setInterval(() => recorder.flush(), settings.flushEveryMs ?? 30_000);
  flusher.unref();
  return {
    store,
    recorder,
    stop: () => {
      clearInterval(timer);
      clearInterval(flusher);
      const flushed = recorder.flush();
      if (!flushed) logger.warn({ waiting: recorder.waiting(), journal: journal.file }, 'transcript store still refuses writes: entries wait in the journal for the next start');
      store.close();
      return flushed;
    },
  };
}
