import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger.ts';
import { TranscriptRecorder } from './recorder.ts';
import { SqliteTranscriptStore } from './sqlite-store.ts';
import type { TranscriptStore } from './store.ts';

export interface TranscriptSettings {
  file: string;
  retentionDays: number;
  /** Key of the pseudonymous ids; when absent, one is created next to the database and kept. */
  pseudonymKey?: string;
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

/** Opens the store, purges what is past retention now and daily, and returns the recorder. */
export function setUpTranscripts(settings: TranscriptSettings, logger: Logger, clock: () => Date = () => new Date()): { store: TranscriptStore; recorder: TranscriptRecorder; stop: () => void } {
  const store = new SqliteTranscriptStore(settings.file);
  const purge = () => {
    const before = new Date(clock().getTime() - settings.retentionDays * 86_400_000);
    const removed = store.purgeBefore(before);
    if (removed > 0) logger.info({ removed, retentionDays: settings.retentionDays }, 'transcripts past retention purged');
  };
  purge();
  const timer = setInterval(purge, 86_400_000);
  timer.unref();
  const recorder = new TranscriptRecorder(store, { pseudonymKey: resolvePseudonymKey(settings.file, settings.pseudonymKey), logger });
  return { store, recorder, stop: () => { clearInterval(timer); store.close(); } };
}
