import type { Activity } from 'botbuilder-core';

/**
 * What the learner said, whatever the channel: typed text, or the value of a card button
 * (an Adaptive Card Action.Submit arrives as `value` with no text). Teams' "<at>Bot</at>" mentions are
 * removed, so a mention-prefixed question reads like the plain one.
 */
export function learnerText(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  if (!text.trim() && activity.value && typeof activity.value === 'object') {
    const v = activity.value as Record<string, unknown>;
    const candidate = [v.text, v.value, v.action, v.choice].find((x) => typeof x === 'string' && x.trim());
    if (typeof candidate === 'string') text = candidate;
  }
  return text.replace(/<at>[^<]*<\/at>/gi, ' ').replace(/\s+/g, ' ').trim();
}
