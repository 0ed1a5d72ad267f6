import pg from 'pg';
import { ConfigError } from '../config.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

/** The database cannot be used: one line for the operator (« Cannot start: … »), the password masked. */
export class DatabaseUnavailableError extends ConfigError {}

/** The address with its password replaced by ***, for logs and error lines. */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** Why a connection failed, in words an operator acts on (node-postgres errors carry a code). */
function reason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running, on that host and port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
      return 'no answer (firewall, wrong host?)';
    case '28P01':
    case '28000':
      return 'authentication refused (user or password)';
    case '3D000':
      return 'no such database (create it first: createdb)';
    default:
      return e.message?.split('\n')[0] ?? String(err);
  }
}

/** SQLSTATE classes and node errors that say the server is not there (rather than the query is wrong). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/**
 * The database did not answer (stopped, restarting, unreachable, over its timeouts), as opposed to a
 * query it refused: what a page reports as « indisponible » (503) rather than as a fault (500).
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
  return (
    typeof e?.message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout)/.test(e.message)
  );
}

/**
 * Runs `work` in a transaction on a client of the pool. While a client is checked out, node-postgres
 * leaves its « error » event without a listener: a server that stops (restart, failover, « terminating
 * connection due to administrator command ») would then crash the process instead of failing the
 * query. Here the query under way fails, and the broken client is dropped from the pool, not reused.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (!broken) await client.query('ROLLBACK').catch(() => {});
    if (!broken && isDatabaseUnreachable(err)) broken = err as Error;
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Arbitrary, fixed: instances starting together migrate one after the other. */
const MIGRATION_LOCK = 7_311_011;

/**
 * Opens a pool on DATABASE_URL, checks the server answers, and applies the migrations not yet applied.
 * Fails with DatabaseUnavailableError (one line) when the server cannot be reached or refuses us, and
 * when the database was migrated by a newer version of the assistant than this one.
 */
export async function openPostgres(
  url: string,
  options: { migrations?: readonly Migration[]; connectTimeoutMs?: number; max?: number } = {},
): Promise<pg.Pool> {
  // Bounded waits: a server that stops answering fails the turn (the learner gets the apology) after
  // seconds, instead of holding it and its conversation's queue forever.
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: 10_000,
    max: options.max ?? 10,
  });
  // An idle connection dropped by the server (restart, failover) is reported here; without a listener
  // the process would crash. The next query opens a new connection, and its own error is handled there.
  pool.on('error', () => {});
  try {
    await migrate(pool, options.migrations ?? MIGRATIONS);
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(`DATABASE_URL=${maskedUrl(url)}: cannot use it (${reason(err)})`);
  }
  return pool;
}

/** Applies, in one transaction and under an advisory lock, the migrations whose number is not recorded. */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new Error(
        `the database is at schema version ${newest}, this version of the assistant knows ${known} at most: update it (instances sharing a database run the same version)`,
      );
    }
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
