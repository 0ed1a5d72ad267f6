import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders of the tests. Every test file's folders are removed once its tests and its own
 * afterAll hooks are done (test/temp-cleanup.ts, a setup file), and the run fails when anything is
 * left in the run's temporary folder (test/temp-global.ts): a folder a test makes with mkdtempSync
 * instead of this, or one a process it started leaves behind.
 */
const made = new Set<string>();

/** A new empty folder under the run's temporary folder, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes the folders made since the last call (test/temp-cleanup.ts, after each file). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}

/** A server's data files (transcripts, staff accounts, learner state) in `dir`, as configuration keys. */
export function dataFiles(dir: string): { TRANSCRIPTS_FILE: string; STAFF_FILE: string; STATE_FILE: string } {
  return {
    TRANSCRIPTS_FILE: join(dir, 'transcripts.sqlite'),
    STAFF_FILE: join(dir, 'staff.sqlite'),
    STATE_FILE: join(dir, 'state.sqlite'),
  };
}
