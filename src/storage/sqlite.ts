import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating its folder) a SQLite file in WAL mode with the given schema; ":memory:" works too.
 * The file and its WAL/shared-memory companions are readable by the server's user only (0600): they
 * hold learners' messages and staff password hashes.
 */
export function openSqlite(file: string, schema: string): Database.Database {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    // A folder given as the file (« STATE_FILE=/tmp ») is refused before its mode is touched.
    if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // A commit is written to the WAL without waiting for the disk (fsync at checkpoints only). The
  // default, FULL, waits for the disk at every commit — about 3 ms on this project's machines, with the
  // event loop blocked (better-sqlite3 is synchronous), three times per turn: the largest cost of a turn
  // in the bench. A process that dies (kill -9, out of memory) loses nothing committed: the WAL is in
  // the operating system's hands. A power cut or a kernel crash may roll back the last commits before
  // the last checkpoint; the database is never corrupted (https://www.sqlite.org/pragma.html#pragma_synchronous).
  db.pragma('synchronous = NORMAL');
  // Another process (the CLI) may write at the same time as the server.
  db.pragma('busy_timeout = 2000');
  db.exec(schema);
  if (file !== ':memory:')
    for (const extra of [`${file}-wal`, `${file}-shm`]) if (existsSync(extra)) chmodSync(extra, 0o600);
  return db;
}
