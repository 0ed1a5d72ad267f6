import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../storage/postgres.ts';
import {
  AccountError,
  StaffAccounts,
  hashPassword,
  passwordMatches,
  type StaffAccount,
  type StaffAccountStore,
} from './staff-accounts.ts';
import {
  DEFAULT_LIMITS,
  SignInThrottle,
  newSession,
  type Session,
  type SessionStore,
  type ThrottleStore,
  type ThrottleLimits,
} from './sessions.ts';

/**
 * Staff accounts in PostgreSQL (table staff, migration 2): the same rules and hashes as StaffAccounts
 * (SQLite), shared by every instance, so an account created or reset with `npm run staff` on one
 * machine holds everywhere.
 */
export class PostgresStaffAccounts implements StaffAccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async count(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM staff')).rows[0]!.n);
  }

  async list(): Promise<StaffAccount[]> {
    const { rows } = await this.pool.query<{ login: string; created_at: string; changed_at: string }>(
      'SELECT login, created_at, changed_at FROM staff ORDER BY login',
    );
    return rows.map((r) => ({
      login: r.login,
      createdAt: new Date(Number(r.created_at)),
      passwordChangedAt: new Date(Math.max(Number(r.created_at), Number(r.changed_at))),
    }));
  }

  async validSince(login: string): Promise<number | undefined> {
    const r = (
      await this.pool.query<{ created_at: string; changed_at: string }>(
        'SELECT created_at, changed_at FROM staff WHERE login = $1',
        [login],
      )
    ).rows[0];
    return r ? Math.max(Number(r.created_at), Number(r.changed_at)) : undefined;
  }

  async add(login: string, password: string): Promise<void> {
    StaffAccounts.check(login, password);
    const hash = await hashPassword(password);
    const now = Date.now();
    const r = await this.pool.query(
      'INSERT INTO staff (login, hash, created_at, changed_at) VALUES ($1, $2, $3, $3) ON CONFLICT (login) DO NOTHING',
      [login, hash, now],
    );
    if (r.rowCount !== 1) throw new AccountError(`le compte « ${login} » existe déjà`);
  }

  async reset(login: string, password: string): Promise<void> {
    StaffAccounts.check(login, password);
    const hash = await hashPassword(password);
    // Strictly later than any session opened before, even within the same millisecond.
    const r = await this.pool.query(
      'UPDATE staff SET hash = $2, changed_at = GREATEST($3, created_at + 1, changed_at + 1) WHERE login = $1',
      [login, hash, Date.now()],
    );
    if (r.rowCount !== 1) throw new AccountError(`aucun compte « ${login} »`);
  }

  async remove(login: string): Promise<void> {
    if ((await this.pool.query('DELETE FROM staff WHERE login = $1', [login])).rowCount === 0)
      throw new AccountError(`aucun compte « ${login} »`);
  }

  async verify(login: string, password: string): Promise<boolean> {
    const row = (await this.pool.query<{ hash: string }>('SELECT hash FROM staff WHERE login = $1', [login])).rows[0];
    return passwordMatches(row?.hash, password);
  }

  close(): void {
    // The pool belongs to whoever opened it (it also serves the conversation state).
  }
}

/**
 * Staff sessions in PostgreSQL (table staff_sessions, migration 2): a session opened on one instance
 * is valid on every other. The id is a bearer secret: only its sha-256 is stored, so reading the table
 * does not let anyone sign in. Expired sessions are deleted when found and whenever one is created.
 */
export class PostgresSessions implements SessionStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly ttlMs = 8 * 60 * 60 * 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async create(login: string): Promise<Session> {
    const s = newSession(login, this.now(), this.ttlMs);
    await this.pool.query('DELETE FROM staff_sessions WHERE expires < $1', [this.now()]);
    await this.pool.query(
      'INSERT INTO staff_sessions (id, login, csrf, created, expires) VALUES ($1, $2, $3, $4, $5)',
      [hash(s.id), s.login, s.csrf, s.created, s.expires],
    );
    return s;
  }

  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id) return undefined;
    const r = (
      await this.pool.query<{ login: string; csrf: string; created: string; expires: string }>(
        'SELECT login, csrf, created, expires FROM staff_sessions WHERE id = $1',
        [hash(id)],
      )
    ).rows[0];
    if (!r) return undefined;
    if (Number(r.expires) < this.now()) {
      await this.destroy(id);
      return undefined;
    }
    return { id, login: r.login, csrf: r.csrf, created: Number(r.created), expires: Number(r.expires) };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.pool.query('DELETE FROM staff_sessions WHERE id = $1', [hash(id)]);
  }
}

/**
 * SignInThrottle's rules (5 / 20 / 50 failures in 15 minutes per login and address, login, address;
 * counted before the password is checked; a success takes back its attempt and the login's failures)
 * with the counts in PostgreSQL (table sign_in_attempts, migration 3, keys hashed), so every instance sees every
 * attempt. A reservation takes a transaction-scoped advisory lock per key, in a fixed order: parallel
 * guesses on two instances are counted one after the other, none slips in. Attempts older than the
 * window are deleted on every reservation, so the table holds 15 minutes of attempts at most.
 */
export class PostgresSignInThrottle implements ThrottleStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** SignInThrottle's keys, hashed: they hold a NUL (which text columns refuse), logins and client addresses. */
  private static keys(login: string, address: string): { key: string; limit: keyof ThrottleLimits }[] {
    return SignInThrottle.keys(login, address).map((k) => ({ ...k, key: hash(k.key) }));
  }

  async reserve(login: string, address: string): Promise<{ wait: number; at: number }> {
    const keys = PostgresSignInThrottle.keys(login, address);
    const at = this.now();
    const cutoff = at - this.windowMs;
    return inTransaction(this.pool, async (client) => {
      for (const key of keys.map((k) => k.key).sort())
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      await client.query('DELETE FROM sign_in_attempts WHERE at <= $1', [cutoff]);
      let wait = 0;
      for (const { key, limit } of keys) {
        // The limit-th most recent attempt: the lock lifts a window after it.
        const r = (
          await client.query<{ at: string }>(
            'SELECT at FROM sign_in_attempts WHERE key = $1 ORDER BY at DESC OFFSET $2 LIMIT 1',
            [key, this.limits[limit] - 1],
          )
        ).rows[0];
        if (r) wait = Math.max(wait, Math.ceil((Number(r.at) + this.windowMs - at) / 1000));
      }
      if (wait > 0) return { wait, at: 0 };
      await client.query('INSERT INTO sign_in_attempts (key, at) SELECT unnest($1::text[]), $2', [
        keys.map((k) => k.key),
        at,
      ]);
      return { wait: 0, at };
    });
  }

  async succeed(login: string, address: string, at: number): Promise<void> {
    const keys = PostgresSignInThrottle.keys(login, address);
    await this.pool.query('DELETE FROM sign_in_attempts WHERE key = ANY($1)', [
      keys.filter((k) => k.limit !== 'address').map((k) => k.key),
    ]);
    const ip = keys.find((k) => k.limit === 'address')!.key;
    await this.pool.query(
      'DELETE FROM sign_in_attempts WHERE ctid IN (SELECT ctid FROM sign_in_attempts WHERE key = $1 AND at = $2 LIMIT 1)',
      [ip, at],
    );
  }
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
