import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived tokens for the local Direct Line: they bind a conversation's messages to a user id
 * chosen by the server, so a page cannot speak as someone else.
 */
export class LocalTokens {
  private readonly key = randomBytes(32);

  constructor(
    private readonly ttlSeconds = 30 * 60,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  issue(userId: string): { token: string; expires_in: number } {
    const payload = Buffer.from(JSON.stringify({ u: userId, e: this.clock() + this.ttlSeconds * 1000 })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expires_in: this.ttlSeconds };
  }

  /** The user id a valid, unexpired token was issued for; null otherwise. */
  verify(token: string | undefined): string | null {
    if (!token) return null;
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const { u, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u: string; e: number };
      return typeof u === 'string' && typeof e === 'number' && e > this.clock() ? u : null;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
