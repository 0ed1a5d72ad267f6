import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Opens (creating its folder) a SQLite file in WAL mode with the given schema; ":memory:" works too. */
export function openSqlite(file: string, schema: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Another process (the CLI) may write at the same time as the server.
  db.pragma('busy_timeout = 2000');
  db.exec(schema);
  return db;
}
