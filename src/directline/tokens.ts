import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

interface Claims {
  u: string;
  e: number;
  i: number;
}

/**
 * Short-lived tokens for the local Direct Line: they bind a conversation's messages to a user id
 * chosen by the server, so a page cannot speak as someone else. A refreshed token keeps the time the
 * first one was issued: refreshing extends a session up to `maxSessionSeconds`, not forever.
 */
export class LocalTokens {
  private readonly key = randomBytes(32);

  constructor(
    private readonly ttlSeconds = 30 * 60,
    private readonly clock: () => number = () => Date.now(),
    private readonly maxSessionSeconds = 12 * 3600,
  ) {}

  issue(userId: string): { token: string; expires_in: number } {
    return this.sign({ u: userId, e: this.clock() + this.ttlSeconds * 1000, i: this.clock() });
  }

  /** A new token for the same user and session, while the session is younger than its limit. */
  refresh(token: string | undefined): { token: string; expires_in: number } | null {
    const claims = this.claims(token);
    if (!claims) return null;
    return this.sign({
      u: claims.u,
      e: Math.min(this.clock() + this.ttlSeconds * 1000, claims.i + this.maxSessionSeconds * 1000),
      i: claims.i,
    });
  }

  /** The user id a valid, unexpired token was issued for; null otherwise. */
  verify(token: string | undefined): string | null {
    return this.claims(token)?.u ?? null;
  }

  private claims(token: string | undefined): Claims | null {
    if (!token) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [payload, signature] = parts as [string, string];
    if (!payload || !signature) return null;
    const expected = Buffer.from(this.hmac(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
      const now = this.clock();
      const valid =
        typeof c.u === 'string' &&
        typeof c.e === 'number' &&
        typeof c.i === 'number' &&
        c.e > now &&
        now - c.i < this.maxSessionSeconds * 1000;
      return valid ? c : null;
    } catch {
      return null;
    }
  }

  private sign(claims: Claims): { token: string; expires_in: number } {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return {
      token: `${payload}.${this.hmac(payload)}`,
      expires_in: Math.max(0, Math.round((claims.e - this.clock()) / 1000)),
    };
  }

  private hmac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
