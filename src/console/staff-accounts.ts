import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { openSqlite } from '../storage/sqlite.ts';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt cost: 2^15 × 8 × 1 (≈ 32 MiB, ~100 ms here): slow for guessing, fine for signing in. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export const LOGIN = /^[a-z0-9][a-z0-9._-]{1,39}$/;

/** A refusal to show staff as it is (French, one line). */
export class AccountError extends Error {}

export interface StaffAccount {
  login: string;
  createdAt: Date;
  passwordChangedAt: Date;
}

/**
 * Where staff accounts live: StaffAccounts (SQLite, STAFF_FILE) or PostgresStaffAccounts
 * (DATABASE_URL). Answers may be promises (PostgreSQL); callers await them, so SQLite stays synchronous.
 */
export interface StaffAccountStore {
  count(): number | Promise<number>;
  list(): StaffAccount[] | Promise<StaffAccount[]>;
  validSince(login: string): number | undefined | Promise<number | undefined>;
  add(login: string, password: string): Promise<void>;
  reset(login: string, password: string): Promise<void>;
  remove(login: string): void | Promise<void>;
  verify(login: string, password: string): Promise<boolean>;
  close(): void | Promise<void>;
}

/** The stored form of a password: scrypt with its parameters and salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether the password matches the stored hash; with no hash (unknown login), false after the same work. */
export async function passwordMatches(stored: string | undefined, password: string): Promise<boolean> {
  const [, n, r, p, salt, expected] = (
    stored ??
    `scrypt$${PARAMS.N}$8$1$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`
  ).split('$');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt!, 'base64'), KEY_LENGTH, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(key, Buffer.from(expected!, 'base64')) && stored !== undefined;
}

/** Staff accounts of the console: login and scrypt hash, nothing else. No default account exists. */
export class StaffAccounts implements StaffAccountStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqlite(
      file,
      'CREATE TABLE IF NOT EXISTS staff (login TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL)',
    );
    // Files created before passwords could be reset get the column (a session older than it is refused).
    const columns = (this.db.prepare('PRAGMA table_info(staff)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('changed_at'))
      this.db.exec('ALTER TABLE staff ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0');
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM staff').get() as { n: number }).n;
  }

  list(): StaffAccount[] {
    return (
      this.db.prepare('SELECT login, created_at, changed_at FROM staff ORDER BY login').all() as {
        login: string;
        created_at: number;
        changed_at: number;
      }[]
    ).map((r) => ({
      login: r.login,
      createdAt: new Date(r.created_at),
      passwordChangedAt: new Date(Math.max(r.created_at, r.changed_at)),
    }));
  }

  /** When the account's password last changed (sessions opened before are refused), or undefined when it does not exist. */
  validSince(login: string): number | undefined {
    const r = this.db.prepare('SELECT created_at, changed_at FROM staff WHERE login = ?').get(login) as
      { created_at: number; changed_at: number } | undefined;
    return r ? Math.max(r.created_at, r.changed_at) : undefined;
  }

  /** Refuses a weak password with the reason, in French. */
  static checkLogin(login: string): void {
    if (!LOGIN.test(login))
      throw new AccountError('identifiant : 2 à 40 caractères, lettres minuscules, chiffres, « . », « _ » ou « - »');
  }

  static check(login: string, password: string): void {
    StaffAccounts.checkLogin(login);
    // Length counts what is typed between the spaces; a password that is the login, or one repeated
    // character, is refused.
    const typed = password.trim();
    if (typed.length < 12)
      throw new AccountError('mot de passe : 12 caractères au moins, sans compter les espaces au début et à la fin');
    if (/^(.)\1*$/u.test(typed)) throw new AccountError('mot de passe : pas un seul caractère répété');
    if (typed.toLowerCase().includes(login))
      throw new AccountError("mot de passe : il ne doit pas contenir l'identifiant");
  }

  async add(login: string, password: string): Promise<void> {
    StaffAccounts.check(login, password);
    const hash = await hashPassword(password);
    try {
      const now = Date.now();
      this.db
        .prepare('INSERT INTO staff (login, hash, created_at, changed_at) VALUES (?, ?, ?, ?)')
        .run(login, hash, now, now);
    } catch {
      throw new AccountError(`le compte « ${login} » existe déjà`);
    }
  }

  /** A new password; sessions opened with the old one end. */
  async reset(login: string, password: string): Promise<void> {
    StaffAccounts.check(login, password);
    if (this.validSince(login) === undefined) throw new AccountError(`aucun compte « ${login} »`);
    // Strictly later than any session opened before, even within the same millisecond.
    const changed = Math.max(Date.now(), (this.validSince(login) ?? 0) + 1);
    this.db
      .prepare('UPDATE staff SET hash = ?, changed_at = ? WHERE login = ?')
      .run(await hashPassword(password), changed, login);
  }

  /** Removes an account; its sessions end. */
  remove(login: string): void {
    if (this.db.prepare('DELETE FROM staff WHERE login = ?').run(login).changes === 0)
      throw new AccountError(`aucun compte « ${login} »`);
  }

  /** Whether the password is right; takes the same time for unknown logins. */
  async verify(login: string, password: string): Promise<boolean> {
    const row = this.db.prepare('SELECT hash FROM staff WHERE login = ?').get(login) as { hash: string } | undefined;
    return passwordMatches(row?.hash, password);
  }

  close(): void {
    this.db.close();
  }
}
