import { createHmac } from 'node:crypto';

/** A user id replaced by a keyed hash: stable for one learner (erasure works), meaningless without the key. */
export function pseudonymize(userId: string, key: string): string {
  return `u_${createHmac('sha256', key).update(userId).digest('hex').slice(0, 24)}`;
}
