import {
  BotState,
  calculateChangeHash,
  type Activity,
  type Storage,
  type StoreItem,
  type TurnContext,
} from 'botbuilder-core';

/** A group chat or a Teams channel: several people write in the same conversation. */
export function isShared(activity: Partial<Activity>): boolean {
  const c = activity.conversation;
  return !!c && (c.isGroup === true || c.conversationType === 'groupChat' || c.conversationType === 'channel');
}

/**
 * The eTag of a state that was never stored (or expired): writing with it means « create it, unless
 * someone did meanwhile ». botbuilder's MemoryStorage saves an item it does not hold whatever its eTag,
 * so this works there too; the server's SqliteStateStorage refuses it when the item exists.
 */
export const NOT_STORED_ETAG = '0';

/** A write whose eTag no longer matches what is stored: someone else wrote since it was read. */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    // Same wording as botbuilder's MemoryStorage, so code written for either recognises it.
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StateConflictError';
  }
}

/**
 * A conflict from the server's storages or from botbuilder's MemoryStorage (tests, the terminal chat):
 * the turn may be run again on the state the other writer left. Any other error of a storage means
 * the store itself failed (stopped, read-only, full).
 */
export function isStateConflict(err: unknown): boolean {
  return err instanceof StateConflictError || (err instanceof Error && /due to eTag conflict/.test(err.message));
}

/**
 * The assistant's state (dialog stack, topic followed): one per conversation, and in a group chat or a
 * channel one per learner of the conversation — a guided dialog belongs to whoever started it, so
 * Bob's « 8 » does not answer the question the bot asked Alice, and Bob's questions are answered on
 * their own. In a personal chat (or Web Chat, the Emulator) the key is the conversation's, as
 * botbuilder's ConversationState has it.
 *
 * Saved with optimistic concurrency: botbuilder's BotState writes with eTag `*` (last writer wins),
 * which lets two turns of one conversation, in two processes, each overwrite the other's dialog step.
 * Here a save carries the eTag the state was read with, so the second writer gets the storage's
 * conflict error and its turn can be run again on the state the first one left (see TurnRunner, src/).
 */
export class LearnerState extends BotState {
  /** What each loaded state object looked like when read: its eTag, and its hash to skip unchanged saves. */
  private readonly readAs = new WeakMap<object, { eTag: string | undefined; hash: string }>();

  constructor(storage: Storage) {
    super(storage, async (context) => {
      const a = context.activity;
      if (!a.channelId || !a.conversation?.id)
        throw new Error('LearnerState: activity without channelId or conversation.id');
      const conversation = `${a.channelId}/conversations/${a.conversation.id}`;
      return isShared(a) && a.from?.id ? `${conversation}/learners/${a.from.id}` : conversation;
    });
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const state = (await super.load(context, force)) as StoreItem;
    if (!this.readAs.has(state))
      this.readAs.set(state, {
        eTag: typeof state.eTag === 'string' ? state.eTag : undefined,
        hash: calculateChangeHash(state),
      });
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const state = this.get(context) as StoreItem | undefined;
    if (!state) return force ? super.saveChanges(context, true) : undefined;
    const read = this.readAs.get(state);
    if (!force && read && calculateChangeHash(state) === read.hash) return;
    const key = await this.storageKey(context);
    await this.storage.write({ [key]: { ...state, eTag: read?.eTag ?? NOT_STORED_ETAG } });
    // The state now stored is this one; read it again before another write (its eTag changed). The write
    // is done whatever this read does: a store that fails just now must not make a saved turn look
    // unsaved (its replies would be discarded while its step was kept). Without the read, the cached
    // state keeps the old eTag, and a later save in this turn would meet a conflict, never overwrite.
    try {
      await this.load(context, true);
    } catch {
      /* the next turn reads the state afresh */
    }
  }
}
