import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { EntryReading, TranscriptEntry } from './store.ts';

/** A journal line: an entry (with the reference its reading will name), or the reading of one. */
type Line = (TranscriptEntry & { ref?: string }) | { of: string; reading: EntryReading };

const refs = new WeakMap<TranscriptEntry, string>();

/**
 * Where transcript entries wait while the store refuses writes (a locked, read-only or full database,
 * a PostgreSQL server down): one JSON line per entry, appended, in a file readable by the server's
 * user only. The entries are already redacted and pseudonymised, as they would be in the store. The
 * recorder writes them back first thing when the store accepts a write again, so nothing is lost and
 * the order is kept; a crash between the store's commit and the journal's removal writes them twice
 * rather than never. How a learner message was read is known when its turn ends, after the message
 * was spooled: it is appended as a line of its own, naming the entry, and joined to it on reading.
 */
export class TranscriptJournal {
  /** References of the entries this process appended and that are still in the file. */
  private readonly present = new Set<string>();

  /**
   * Whether the file may hold entries: it did at start (left by the previous run) or this process
   * appended since it was last cleared. The recorder reads the journal before every write; the file is
   * this instance's alone, so while nothing was appended that read needs no look at the disk.
   */
  private mayHold: boolean;

  constructor(readonly file: string) {
    this.mayHold = existsSync(file);
  }

  append(entries: TranscriptEntry[]): void {
    if (entries.length === 0) return;
    const lines = entries.map((e) => {
      const ref = refs.get(e) ?? randomUUID();
      refs.set(e, ref);
      this.present.add(ref);
      return `${JSON.stringify({ ...e, ref })}\n`;
    });
    this.mayHold = true;
    appendFileSync(this.file, lines.join(''), { mode: 0o600 });
  }

  /** The reading of an entry already appended (nothing when it was not). */
  annotate(entry: TranscriptEntry, reading: EntryReading): void {
    const ref = refs.get(entry);
    if (ref && this.present.has(ref))
      appendFileSync(this.file, `${JSON.stringify({ of: ref, reading })}\n`, { mode: 0o600 });
  }

  /** Every entry waiting, oldest first, with its reading. A line cut by a crash mid-append is skipped (it was never acknowledged). */
  read(): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    const byRef = new Map<string, TranscriptEntry>();
    for (const line of this.lines()) {
      if ('of' in line) {
        const entry = byRef.get(line.of);
        if (entry) Object.assign(entry, line.reading);
        continue;
      }
      const { ref, ...e } = line;
      // JSON gives the date back as its ISO string.
      const entry: TranscriptEntry = { ...e, at: new Date(e.at) };
      if (ref) byRef.set(ref, entry);
      out.push(entry);
    }
    return out;
  }

  /** Written to the store: forget them. */
  clear(): void {
    rmSync(this.file, { force: true });
    this.present.clear();
    this.mayHold = false;
  }

  /** A learner asked to erase their data: their entries (and their readings) leave the journal too. */
  removeUser(userId: string): number {
    const all = this.lines();
    const gone = new Set<string>();
    const kept = all.filter((l) => {
      if ('of' in l) return !gone.has(l.of);
      if (l.userId !== userId) return true;
      if (l.ref) {
        gone.add(l.ref);
        this.present.delete(l.ref);
      }
      return false;
    });
    if (kept.length === all.length) return 0;
    // Rewritten beside, then renamed over: a crash leaves the old journal or the new one, never half.
    const next = `${this.file}.next`;
    writeFileSync(next, kept.map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600 });
    renameSync(next, this.file);
    return all.filter((l) => !('of' in l)).length - kept.filter((l) => !('of' in l)).length;
  }

  private lines(): Line[] {
    if (!this.mayHold || !existsSync(this.file)) return [];
    const out: Line[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as Line);
      } catch {
        /* a torn last line */
      }
    }
    return out;
  }
}
