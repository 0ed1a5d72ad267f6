import { BotState, type Activity, type Storage, type StoreItem, type TurnContext } from 'botbuilder-core';

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
  /** This turn's state, with how it was read: its eTag, and its serialisation to skip an unchanged save. */
  private readonly cache = Symbol('learner state');

  constructor(storage: Storage) {
    super(storage, async (context) => {
      const a = context.activity;
      if (!a.channelId || !a.conversation?.id)
        throw new Error('LearnerState: activity without channelId or conversation.id');
      const conversation = `${a.channelId}/conversations/${a.conversation.id}`;
      return isShared(a) && a.from?.id ? `${conversation}/learners/${a.from.id}` : conversation;
    });
  }

  /*
   * load, saveChanges, clear, delete and get replace BotState's (which keep their cache under a
   * private key): BotState hashes the whole state (a sorted serialisation, then SHA-256) when it
   * loads and when it saves, and the state was read again after each save to learn its new eTag —
   * five serialisations and two reads per turn. Here a state is serialised once when read and once
   * when saved, compared as text (a key order the turn changed only costs a write), and a storage
   * that gives the written item its new eTag (the server's SQLite and PostgreSQL ones, see
   * WRITTEN_ETAG_ASSIGNED) is not read again.
   */

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<Cached | undefined>(this.cache);
    if (cached && !force) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] ?? {}) as StoreItem;
    context.turnState.set(this.cache, {
      state,
      eTag: typeof state.eTag === 'string' ? state.eTag : undefined,
      json: serialised(state),
    } satisfies Cached);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const cached = context.turnState.get<Cached | undefined>(this.cache);
    if (!cached && !force) return;
    const state = cached?.state ?? {};
    const json = serialised(state);
    if (!force && cached && json === cached.json) return;
    const key = await this.storageKey(context);
    const item: StoreItem = { ...state, eTag: cached?.eTag ?? NOT_STORED_ETAG };
    await this.storage.write({ [key]: item });
    if (storageAssignsETags(this.storage) && typeof item.eTag === 'string') {
      state.eTag = item.eTag;
      context.turnState.set(this.cache, { state, eTag: item.eTag, json } satisfies Cached);
      return;
    }
    // A storage that does not say the new eTag (botbuilder's MemoryStorage): the state now stored is
    // this one; read it again before another write. The write is done whatever this read does: a store
    // that fails just now must not make a saved turn look unsaved (its replies would be discarded while
    // its step was kept). Without the read, the cached state keeps the old eTag, and a later save in
    // this turn would meet a conflict, never overwrite.
    try {
      await this.load(context, true);
    } catch {
      /* the next turn reads the state afresh */
    }
  }

  override clear(context: TurnContext): Promise<void> {
    // An empty state that was never stored: the next save writes it (and meets a conflict if someone did).
    context.turnState.set(this.cache, { state: {}, eTag: undefined, json: '' } satisfies Cached);
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cache);
    await this.storage.delete([await this.storageKey(context)]);
  }

  override get(context: TurnContext): Record<string, unknown> | undefined {
    return context.turnState.get<Cached | undefined>(this.cache)?.state;
  }
}

interface Cached {
  state: StoreItem;
  eTag: string | undefined;
  json: string;
}

/** The state as stored, its eTag aside (it changes with every write, not with the learner's turn). */
function serialised(state: StoreItem): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * A storage whose write sets each item's `eTag` to the one it now has in the store. botbuilder's
 * Storage interface leaves the item alone; the server's storages mark themselves with this symbol.
 */
export const WRITTEN_ETAG_ASSIGNED: unique symbol = Symbol.for('learner-assistant.writtenETagAssigned');

function storageAssignsETags(storage: Storage): boolean {
  return (storage as Storage & { [WRITTEN_ETAG_ASSIGNED]?: boolean })[WRITTEN_ETAG_ASSIGNED] === true;
}
