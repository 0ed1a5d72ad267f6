import type { Storage } from 'botbuilder-core';
import type pg from 'pg';
import { ConfigError } from '../config.ts';
import { PostgresSessions, PostgresSignInThrottle, PostgresStaffAccounts } from '../console/postgres-staff.ts';
import type { SessionStore, ThrottleStore } from '../console/sessions.ts';
import type { StaffAccountStore } from '../console/staff-accounts.ts';
import type { WelcomeClaims } from '../../dialogs/welcome.ts';
import { openPostgres } from './postgres.ts';
import { PostgresStateStorage } from './postgres-state-storage.ts';
import { PostgresWelcomeClaims } from './postgres-welcome-claims.ts';
import { SqliteStateStorage } from './sqlite-state-storage.ts';
import { SqliteWelcomeClaims } from './welcome-claims.ts';

/** Conversation state and welcome claims, in SQLite (STATE_FILE) or PostgreSQL (DATABASE_URL), with staff accounts, sessions, sign-in counters (and, through the pool, transcripts) in PostgreSQL. */
export interface StateStores {
  backend: 'sqlite' | 'postgres';
  storage: Storage;
  welcomes: WelcomeClaims;
  /** Deletes state idle past its time to live; returns how many items. */
  purgeIdleState: () => Promise<number>;
  /** Forgets welcome claims older than `before`; returns how many. */
  forgetWelcomes: (before: Date) => Promise<number>;
  /** With PostgreSQL: staff accounts and sessions shared by every instance (SQLite: STAFF_FILE, memory). */
  staff?: { accounts: StaffAccountStore; sessions: SessionStore; throttle: ThrottleStore };
  /** With PostgreSQL: the pool, which the transcripts share (closed by close()). */
  pool?: pg.Pool;
  close: () => Promise<void>;
}

export interface StateSettings {
  databaseUrl?: string | undefined;
  stateFile: string;
  ttlMs: number;
  /** What time it is for the expiry of idle state (the real time unless a test moves it). */
  clock?: () => Date;
}

export async function openStateStores(s: StateSettings): Promise<StateStores> {
  if (s.databaseUrl) {
    const pool: pg.Pool = await openPostgres(s.databaseUrl);
    const storage = new PostgresStateStorage(pool, { ttlMs: s.ttlMs, ...(s.clock ? { clock: s.clock } : {}) });
    const welcomes = new PostgresWelcomeClaims(pool);
    return {
      backend: 'postgres',
      storage,
      welcomes,
      purgeIdleState: () => storage.purgeExpired(),
      forgetWelcomes: (before) => welcomes.forgetBefore(before),
      staff: {
        accounts: new PostgresStaffAccounts(pool),
        sessions: new PostgresSessions(pool),
        throttle: new PostgresSignInThrottle(pool),
      },
      pool,
      close: () => pool.end(),
    };
  }
  // Dialog state beside the welcome claims (STATE_FILE), not in the transcripts' file: it is written on
  // every turn and kept hours, transcripts are personal data kept months, erased and exported apart.
  const welcomes = opening(s.stateFile, () => new SqliteWelcomeClaims(s.stateFile));
  const storage = opening(
    s.stateFile,
    () => new SqliteStateStorage(s.stateFile, { ttlMs: s.ttlMs, ...(s.clock ? { clock: s.clock } : {}) }),
  );
  return {
    backend: 'sqlite',
    storage,
    welcomes,
    purgeIdleState: async () => storage.purgeExpired(),
    forgetWelcomes: async (before) => welcomes.forgetBefore(before),
    close: async () => {
      storage.close();
      welcomes.close();
    },
  };
}

/** A database file that cannot be opened stops the start with the key to fix, not a stack trace. */
function opening<T>(file: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    throw new ConfigError(`STATE_FILE=${file}: cannot open it (${(err as Error).message})`);
  }
}
