import type { Activity } from 'botbuilder-core';

/**
 * Who has already been greeted, kept apart from the conversation state: `claim` checks and marks in
 * one step, so two activities handled at the same time (Teams sends conversationUpdate and
 * installationUpdate within 100 ms of each other) cannot both see "not welcomed yet" — which a flag
 * read at the start of a turn and saved at its end allowed.
 */
export interface WelcomeClaims {
  /** True for the first caller only, until the key is released. */
  claim(key: string): boolean | Promise<boolean>;
  /** The bot was removed: the next install greets again. */
  release(key: string): void | Promise<void>;
}

/** Claims in this process's memory (tests, the terminal chat); the server keeps them in SQLite. */
export class MemoryWelcomeClaims implements WelcomeClaims {
  private readonly claimed = new Set<string>();

  claim(key: string): boolean {
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  release(key: string): void {
    this.claimed.delete(key);
  }
}

/** The welcome of one conversation on one channel. */
export function welcomeKey(activity: Partial<Activity>): string {
  return `${activity.channelId ?? ''}/${activity.conversation?.id ?? ''}`;
}

/**
 * What an activity means for the welcome. In Teams (as its docs say) the bot introduces itself when it
 * is added — installationUpdate "add", or conversationUpdate with the bot in membersAdded, in a personal
 * chat, a group chat or a team — and never when a user joins a team or a group; removing the bot (and
 * re-installing it) starts over. Elsewhere (Emulator, Direct Line, Web Chat) the learner joining is what
 * announces a new conversation: membersAdded with someone other than the bot, or Web Chat's
 * "webchat/join" event (see src/web/page.ts).
 */
export function welcomeEvent(activity: Partial<Activity>): 'added' | 'removed' | undefined {
  const bot = activity.recipient?.id;
  const has = (members: { id: string }[] | undefined, isBot: boolean) =>
    (members ?? []).some((m) => (m.id === bot) === isBot);
  if (activity.type === 'installationUpdate') {
    // "add-upgrade" / "remove-upgrade": a new version of an app that stays installed.
    if (activity.action === 'add') return 'added';
    if (activity.action === 'remove') return 'removed';
    return undefined;
  }
  if (activity.type === 'conversationUpdate') {
    if (activity.channelId === 'msteams') {
      if (has(activity.membersRemoved, true)) return 'removed';
      return has(activity.membersAdded, true) ? 'added' : undefined;
    }
    return has(activity.membersAdded, false) ? 'added' : undefined;
  }
  if (activity.type === 'event' && activity.name === 'webchat/join' && activity.channelId !== 'msteams') return 'added';
  return undefined;
}
