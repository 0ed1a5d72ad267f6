import { BotState, type Activity, type Storage } from 'botbuilder-core';

/** A group chat or a Teams channel: several people write in the same conversation. */
export function isShared(activity: Partial<Activity>): boolean {
  const c = activity.conversation;
  return !!c && (c.isGroup === true || c.conversationType === 'groupChat' || c.conversationType === 'channel');
}

/**
 * The assistant's state (dialog stack, topic followed): one per conversation, and in a group chat or a
 * channel one per learner of the conversation — a guided dialog belongs to whoever started it, so
 * Bob's « 8 » does not answer the question the bot asked Alice, and Bob's questions are answered on
 * their own. In a personal chat (or Web Chat, the Emulator) the key is the conversation's, as
 * botbuilder's ConversationState has it.
 */
export class LearnerState extends BotState {
  constructor(storage: Storage) {
    super(storage, async (context) => {
      const a = context.activity;
      if (!a.channelId || !a.conversation?.id) throw new Error('LearnerState: activity without channelId or conversation.id');
      const conversation = `${a.channelId}/conversations/${a.conversation.id}`;
      return isShared(a) && a.from?.id ? `${conversation}/learners/${a.from.id}` : conversation;
    });
  }
}
