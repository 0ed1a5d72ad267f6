import { randomBytes } from 'node:crypto';

export interface Session { id: string; login: string; csrf: string; expires: number }

/** Signed-in staff sessions, kept in memory (a restart signs everyone out). */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ttlMs = 8 * 60 * 60 * 1000, private readonly now: () => number = () => Date.now()) {}

  create(login: string): Session {
    const session = { id: randomBytes(32).toString('base64url'), login, csrf: randomBytes(24).toString('base64url'), expires: this.now() + this.ttlMs };
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

/**
 * Slows down password guessing: after 5 failures within 15 minutes for a login or an address,
 * sign-in is refused until the window passes. An attempt is counted before the password is checked
 * (`reserve`), so parallel guesses cannot all slip in while the slow hash runs; a success only takes
 * back its own attempt and the login's failures (the address's stay: one valid account must not
 * reset an address that guesses others).
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit = 5, private readonly windowMs = 15 * 60 * 1000, private readonly now: () => number = () => Date.now()) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length > 0) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before trying again, or 0. */
  retryAfter(keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      const list = this.recent(key);
      if (list.length >= this.limit) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  /**
   * Counts an attempt now, before the password is checked. Returns the seconds to wait (nothing
   * counted) or 0 and the attempt's time, to give back with `succeed`.
   */
  reserve(keys: string[]): { wait: number; at: number } {
    const wait = this.retryAfter(keys);
    if (wait > 0) return { wait, at: 0 };
    const at = this.now();
    for (const key of keys) {
      const list = this.recent(key);
      list.push(at);
      this.failures.set(key, list);
    }
    return { wait: 0, at };
  }

  /** The password was right: the login's failures are forgotten, the address keeps all but this attempt. */
  succeed(keys: string[], at: number, loginKey: string): void {
    for (const key of keys) {
      if (key === loginKey) {
        this.failures.delete(key);
        continue;
      }
      const list = this.failures.get(key);
      const i = list?.indexOf(at) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
    // Bounded: a flood of made-up logins cannot grow the map forever.
    if (this.failures.size > 10_000) for (const key of [...this.failures.keys()]) this.recent(key);
  }
}
