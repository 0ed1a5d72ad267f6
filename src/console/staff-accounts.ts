import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { openSqlite } from '../storage/sqlite.ts';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt cost: 2^15 × 8 × 1 (≈ 32 MiB, ~100 ms here): slow for guessing, fine for signing in. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export const LOGIN = /^[a-z0-9][a-z0-9._-]{1,39}$/;

/** Staff accounts of the console: login and scrypt hash, nothing else. No default account exists. */
export class StaffAccounts {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqlite(file, 'CREATE TABLE IF NOT EXISTS staff (login TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL)');
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM staff').get() as { n: number }).n;
  }

  async add(login: string, password: string): Promise<void> {
    if (!LOGIN.test(login)) throw new Error('login: 2 to 40 characters, lower-case letters, digits, ".", "_" or "-"');
    // Length counts what is typed between the spaces; a password that is the login, or one repeated
    // character, is refused.
    const typed = password.trim();
    if (typed.length < 12) throw new Error('password: at least 12 characters, not counting leading or trailing spaces');
    if (/^(.)\1*$/u.test(typed)) throw new Error('password: not one character repeated');
    if (typed.toLowerCase().includes(login)) throw new Error('password: must not contain the login');
    const salt = randomBytes(16);
    const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS);
    const hash = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
    try {
      this.db.prepare('INSERT INTO staff (login, hash, created_at) VALUES (?, ?, ?)').run(login, hash, Date.now());
    } catch {
      throw new Error(`login "${login}" already exists`);
    }
  }

  /** Whether the password is right; takes the same time for unknown logins. */
  async verify(login: string, password: string): Promise<boolean> {
    const row = this.db.prepare('SELECT hash FROM staff WHERE login = ?').get(login) as { hash: string } | undefined;
    const [, n, r, p, salt, expected] = (row?.hash ?? `scrypt$${PARAMS.N}$8$1$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`).split('$');
    const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt!, 'base64'), KEY_LENGTH, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
    const ok = timingSafeEqual(key, Buffer.from(expected!, 'base64'));
    return ok && row !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
