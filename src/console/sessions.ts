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
 * sign-in is refused until the window passes.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit = 5, private readonly windowMs = 15 * 60 * 1000, private readonly now: () => number = () => Date.now()) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    this.failures.set(key, list);
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

  fail(keys: string[]): void {
    for (const key of keys) this.recent(key).push(this.now());
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}
