import type { WelcomeClaims } from '../../dialogs/welcome.ts';
import type { Logger } from '../logger.ts';

/**
 * Welcome claims that never fail a turn. They live in the conversation store (STATE_FILE, or
 * PostgreSQL), which may be stopped, read-only or full while learners write; a claim is a detail of
 * the greeting, not a reason to leave a question unanswered. A claim the store cannot answer counts as
 * already made — a greeting missed is better than one said twice (Teams announces an install with two
 * events at once); a release that fails only means the next install is not greeted.
 */
export function forgivingWelcomeClaims(claims: WelcomeClaims, logger: Logger): WelcomeClaims {
  return {
    async claim(key) {
      try {
        return await claims.claim(key);
      } catch (err) {
        logger.error({ err }, 'welcome claim failed (conversation store unavailable): no welcome');
        return false;
      }
    },
    async release(key) {
      try {
        await claims.release(key);
      } catch (err) {
        logger.error({ err }, 'welcome release failed (conversation store unavailable)');
      }
    },
  };
}
