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

  constructor(file: string) {
    this.db = openSqlite(file, 'CREATE TABLE IF NOT EXISTS welcomes (key TEXT PRIMARY KEY, at TEXT NOT NULL)');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO welcomes (key, at) VALUES (?, ?)');
    this.remove = this.db.prepare('DELETE FROM welcomes WHERE key = ?');
  }

  claim(key: string): boolean {
    return this.insert.run(hash(key), new Date().toISOString()).changes === 1;
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
