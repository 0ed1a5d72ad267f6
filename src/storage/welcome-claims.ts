import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { WelcomeClaims } from '../../dialogs/welcome.ts';
import { openSqlite } from './sqlite.ts';

/**
 * Who was welcomed, in SQLite: survives restarts, and one INSERT claims atomically even when two
 * requests (or two server processes on the same file) handle the same conversation at once. Keys are
 * stored hashed: a Teams personal chat's id is stable per learner, and nothing here needs it in clear.
 */
export class SqliteWelcomeClaims implements WelcomeClaims {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    file: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = openSqlite(file, 'CREATE TABLE IF NOT EXISTS welcomes (key TEXT PRIMARY KEY, at INTEGER NOT NULL)');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO welcomes (key, at) VALUES (?, ?)');
    this.remove = this.db.prepare('DELETE FROM welcomes WHERE key = ?');
  }

  claim(key: string): boolean {
    return this.insert.run(hash(key), this.clock().getTime()).changes === 1;
  }

  /**
   * Forgets claims made before `before` (one row per conversation: Web Chat opens one per visit). A
   * conversation that old is over, or greeted long ago; only the bot being added again would greet it.
   */
  forgetBefore(before: Date): number {
    return this.db.prepare('DELETE FROM welcomes WHERE at < ?').run(before.getTime()).changes;
  }

  release(key: string): void {
    this.remove.run(hash(key));
  }

  close(): void {
    this.db.close();
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
