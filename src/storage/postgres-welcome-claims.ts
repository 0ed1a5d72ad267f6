import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { WelcomeClaims } from '../../dialogs/welcome.ts';

/**
 * Who was welcomed, in PostgreSQL (table welcomes, migration 1): one INSERT … ON CONFLICT DO NOTHING
 * claims atomically, so two instances handling the same conversation's first activity greet it once.
 * Keys hashed, as in SqliteWelcomeClaims.
 */
export class PostgresWelcomeClaims implements WelcomeClaims {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async claim(key: string): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO welcomes (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      hash(key),
      this.clock().getTime(),
    ]);
    return r.rowCount === 1;
  }

  /** Forgets claims made before `before` (see SqliteWelcomeClaims.forgetBefore). */
  async forgetBefore(before: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM welcomes WHERE at < $1', [before.getTime()])).rowCount ?? 0;
  }

  async release(key: string): Promise<void> {
    await this.pool.query('DELETE FROM welcomes WHERE key = $1', [hash(key)]);
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
