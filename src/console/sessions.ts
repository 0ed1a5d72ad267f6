import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  login: string;
  csrf: string;
  expires: number;
  created: number;
}

/**
 * Where signed-in staff sessions live: Sessions (this process's memory) or PostgresSessions
 * (DATABASE_URL: every instance knows them). Answers may be promises; callers await them.
 */
export interface SessionStore {
  readonly ttlMs: number;
  create(login: string): Session | Promise<Session>;
  get(id: string | undefined): Session | undefined | Promise<Session | undefined>;
  destroy(id: string | undefined): void | Promise<void>;
}

/** A new session: random id and CSRF token, expiring `ttlMs` after `now`. */
export function newSession(login: string, now: number, ttlMs: number): Session {
  return {
    id: randomBytes(32).toString('base64url'),
    login,
    csrf: randomBytes(24).toString('base64url'),
    expires: now + ttlMs,
    created: now,
  };
}

/** Signed-in staff sessions, kept in memory (a restart signs everyone out). */
export class Sessions implements SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly ttlMs = 8 * 60 * 60 * 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  create(login: string): Session {
    const session = newSession(login, this.now(), this.ttlMs);
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expires < this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}

/** How many failures each key allows within the window. */
export interface ThrottleLimits {
  /** One login from one address: the ordinary case of someone mistyping, or guessing one account. */
  pair: number;
  /** One login from everywhere: a guessing attack spread over many addresses. */
  login: number;
  /** One address, every login: spraying many logins from one place. */
  address: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { pair: 5, login: 20, address: 50 };

/**
 * Where sign-in attempts are counted: SignInThrottle (this process's memory) or
 * PostgresSignInThrottle (DATABASE_URL: one count for every instance, or a guesser spreading over N
 * instances would get N times the attempts). Answers may be promises; callers await them.
 */
export interface ThrottleStore {
  reserve(login: string, address: string): { wait: number; at: number } | Promise<{ wait: number; at: number }>;
  succeed(login: string, address: string, at: number): void | Promise<void>;
}

/**
 * Slows down password guessing, keyed on the login *and* the client address: 5 failures within 15
 * minutes for one login from one address lock that pair; 20 for one login from anywhere lock that
 * login; 50 from one address lock that address. So failures for a login that does not exist never
 * lock a real one, and one person's typos never lock colleagues behind the same proxy address.
 * An attempt is counted before the password is checked (`reserve`), so parallel guesses cannot all
 * slip in while the slow hash runs; a success takes back its own attempt and the login's failures.
 * Memory is bounded: at most `maxKeys` keys, the oldest dropped first.
 */
export class SignInThrottle implements ThrottleStore {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = () => Date.now(),
    private readonly maxKeys = 10_000,
  ) {}

  static keys(login: string, address: string): { key: string; limit: keyof ThrottleLimits }[] {
    return [
      { key: `pair:${login}\u0000${address}`, limit: 'pair' },
      { key: `login:${login}`, limit: 'login' },
      { key: `ip:${address}`, limit: 'address' },
    ];
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length > 0) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before trying again, or 0. */
  retryAfter(login: string, address: string): number {
    let wait = 0;
    for (const { key, limit } of SignInThrottle.keys(login, address)) {
      const list = this.recent(key);
      if (list.length >= this.limits[limit])
        wait = Math.max(wait, Math.ceil((list[list.length - this.limits[limit]]! + this.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  /**
   * Counts an attempt now, before the password is checked. Returns the seconds to wait (nothing
   * counted) or 0 and the attempt's time, to give back with `succeed`.
   */
  reserve(login: string, address: string): { wait: number; at: number } {
    const wait = this.retryAfter(login, address);
    if (wait > 0) return { wait, at: 0 };
    const at = this.now();
    for (const { key } of SignInThrottle.keys(login, address)) {
      const list = this.recent(key);
      list.push(at);
      // Re-inserted last: the map's order is the order of last use, the oldest dropped first.
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    this.bound();
    return { wait: 0, at };
  }

  /** The password was right: the login's failures are forgotten, the address keeps all but this attempt. */
  succeed(login: string, address: string, at: number): void {
    for (const { key, limit } of SignInThrottle.keys(login, address)) {
      if (limit !== 'address') {
        this.failures.delete(key);
        continue;
      }
      const list = this.failures.get(key);
      const i = list?.indexOf(at) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
  }

  /** How many keys are remembered (for the memory bound's test). */
  get size(): number {
    return this.failures.size;
  }

  private bound(): void {
    if (this.failures.size <= this.maxKeys) return;
    for (const key of [...this.failures.keys()]) this.recent(key);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
