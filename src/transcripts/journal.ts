import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { TranscriptEntry } from './store.ts';

/**
 * Where transcript entries wait while the store refuses writes (a locked, read-only or full database):
 * one JSON line per entry, appended, in a file readable by the server's user only. The entries are
 * already redacted and pseudonymised, as they would be in the store. The recorder writes them back
 * first thing when the store accepts a write again, so nothing is lost and the order is kept; a crash
 * between the store's commit and the journal's removal writes them twice rather than never.
 */
export class TranscriptJournal {
  constructor(readonly file: string) {}

  append(entries: TranscriptEntry[]): void {
    if (entries.length === 0) return;
    appendFileSync(this.file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  }

  /** Every entry waiting, oldest first. A line cut by a crash mid-append is skipped (it was never acknowledged). */
  read(): TranscriptEntry[] {
    if (!existsSync(this.file)) return [];
    const out: TranscriptEntry[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as TranscriptEntry & { at: string };
        out.push({ ...e, at: new Date(e.at) });
      } catch { /* a torn last line */ }
    }
    return out;
  }

  /** Written to the store: forget them. */
  clear(): void {
    rmSync(this.file, { force: true });
  }

  /** A learner asked to erase their data: their entries leave the journal too. */
  removeUser(userId: string): number {
    const all = this.read();
    const kept = all.filter((e) => e.userId !== userId);
    if (kept.length === all.length) return 0;
    // Rewritten beside, then renamed over: a crash leaves the old journal or the new one, never half.
    const next = `${this.file}.next`;
    writeFileSync(next, kept.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
    renameSync(next, this.file);
    return all.length - kept.length;
  }
}
