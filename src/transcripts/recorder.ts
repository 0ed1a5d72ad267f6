import type { Activity, Middleware, TurnContext } from 'botbuilder-core';
import { MAX_MESSAGE_CHARS } from '../../dialogs/assistant-bot.ts';
import { ERASE_LEARNER_DATA } from '../../dialogs/services.ts';
import {
  MESSAGE_READING,
  feedbackOf,
  replyTraceOf,
  type MessageReading,
  type ReplyTrace,
} from '../../dialogs/reply-trace.ts';
import { ReplyHold } from '../../dialogs/reply-hold.ts';
import { pseudonymize } from '../privacy/pseudonym.ts';
import { redact } from '../privacy/redact.ts';
import type { Logger } from '../logger.ts';
import type { EntryReading, TranscriptEntry, TranscriptStore } from './store.ts';
import type { TranscriptJournal } from './journal.ts';

export interface RecorderOptions {
  pseudonymKey: string;
  logger: Logger;
  clock?: () => Date;
  /** Attempts per write before the entries are spooled to the journal. */
  attempts?: number;
  /** Where entries wait while the store refuses writes (written back when it accepts them again). */
  journal?: TranscriptJournal;
  /**
   * With a journal: after the store refused a write, entries go straight to the journal for this long
   * (ms, default 5 000) — a locked database makes each attempt wait for SQLite's busy timeout, and
   * better-sqlite3 waits on the event loop, so trying on every activity would hold up every learner.
   */
  retryAfterMs?: number;
}

/**
 * Identifiers that are the same every time this learner writes, besides their user id: in Teams, a
 * personal chat's conversation id and the tenant. Kept in clear they would link pseudonyms back.
 */
function stablePerLearner(activity: Partial<Activity>): string[] {
  if (activity.channelId !== 'msteams') return [];
  const out: string[] = [];
  const conversation = activity.conversation;
  if (conversation?.id && (conversation.conversationType ?? 'personal') === 'personal') out.push(conversation.id);
  const tenant =
    conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (typeof tenant === 'string') out.push(tenant);
  return out;
}

/** The learner's side of a conversation is whoever is not the bot. */
function learnerId(activity: Partial<Activity>, direction: 'in' | 'out'): string {
  return (direction === 'in' ? activity.from?.id : activity.recipient?.id) ?? 'unknown';
}

/**
 * Fields that hold identifiers, addresses, codes or times, never what a person wrote: kept as they
 * are (a numeric activity id is not a card number), only cut to a sane length.
 */
const STRUCTURAL = new Set([
  'id',
  'replyToId',
  'type',
  'channelId',
  'serviceUrl',
  'timestamp',
  'localTimestamp',
  'localTimezone',
  'locale',
  'textFormat',
  'inputHint',
  'role',
  'conversationType',
  'contentType',
  'attachmentLayout',
  'clientActivityID',
  'clientTimestamp',
  'action',
  'importance',
  'deliveryMode',
  'callerId',
  'expiration',
]);
const MAX_FIELD_CHARS = 256;

/**
 * The times as the channel wrote them: botbuilder turns `timestamp`, `localTimestamp` and `expiration`
 * into Dates and keeps the strings under `raw…` — a Date loses the learner's UTC offset, and the raw
 * copies would be stored as free text.
 */
function channelTimes(activity: Partial<Activity>): Partial<Activity> {
  const { rawTimestamp, rawLocalTimestamp, rawExpiration, ...rest } = activity as Partial<Activity> &
    Record<'rawTimestamp' | 'rawLocalTimestamp' | 'rawExpiration', unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (typeof rawTimestamp === 'string') out.timestamp = rawTimestamp;
  if (typeof rawLocalTimestamp === 'string') out.localTimestamp = rawLocalTimestamp;
  if (typeof rawExpiration === 'string') out.expiration = rawExpiration;
  return out;
}

/**
 * A deep copy of an activity for storage: the learner's ids pseudonymised, free text redacted (and
 * cut), structural fields kept, dates as ISO strings. `pseudonymous` lists further fields whose values
 * are stable per learner (a Teams personal conversation id, the tenant) and are pseudonymised too.
 */
function scrub(value: unknown, ids: Map<string, string>, key = '', depth = 0): unknown {
  if (depth > 32) return '[…]'; // a client nesting thousands of levels deep is not a learner
  if (typeof value === 'string') {
    const known = ids.get(value);
    if (known) return known;
    return STRUCTURAL.has(key) ? value.slice(0, MAX_FIELD_CHARS) : redact(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrub(v, ids, key, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Display names (from, recipient, members, mentions, teams, files) are personal data too; the
      // activity's own `name` says which event or invoke it is ("webchat/join", "adaptiveCard/action").
      if (k === 'name' && ids.size > 0 && depth > 0) continue;
      if (k === 'aadObjectId') continue;
      out[k] = scrub(v, ids, k, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Records every activity in and out, on every channel, redacted before it is stored. Unlike
 * botbuilder's TranscriptLoggerMiddleware it writes the incoming activity before the turn runs, the
 * replies that left (with how the message was read, in the same transaction) when the turn ends, and an
 * error entry when the turn throws — so a failing turn is still recorded — and it retries failed writes
 * instead of only logging them.
 *
 * Writes go through one promise chain, in the order they were asked for, and the turn never waits for
 * them (a store over the network that is slow or down must not hold a learner's answer): a write the
 * store refuses spools to the journal. With SQLite each write is done before the next event, as before.
 */
export class TranscriptRecorder implements Middleware {
  private pending: TranscriptEntry[] = [];
  /** Until when the store is left alone after a refusal (journal mode only). */
  private storeRestingUntil = 0;
  /** The last write, erasure or annotation asked for: the next one runs after it. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Entries handed to the chain and not yet stored nor journaled, by write. */
  private readonly unwritten = new Set<TranscriptEntry[]>();
  /** abandon() was called: the process is stopping and no longer waits for the store. */
  private abandoned = false;

  constructor(
    private readonly store: TranscriptStore,
    private readonly o: RecorderOptions,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const inbound = context.activity;
    const learner = learnerId(inbound, 'in');
    const pseudo = pseudonymize(learner, this.o.pseudonymKey);
    const ids = new Map([[learner, pseudo]]);
    for (const id of stablePerLearner(inbound)) ids.set(id, pseudonymize(id, this.o.pseudonymKey));
    const conversationId = (inbound.conversation?.id ?? 'unknown').slice(0, MAX_FIELD_CHARS);
    const base = {
      conversationId: ids.get(conversationId) ?? conversationId,
      channelId: (inbound.channelId ?? 'unknown').slice(0, 64),
      userId: pseudo,
    };
    const entry = (original: Partial<Activity>, direction: 'in' | 'out'): TranscriptEntry => {
      // A learner's message is kept only as far as the bot reads it (MAX_MESSAGE_CHARS): the rest was
      // never understood, and storing it would only keep more personal data.
      const a =
        direction === 'in' && typeof original.text === 'string' && original.text.length > MAX_MESSAGE_CHARS
          ? { ...original, text: `${original.text.slice(0, MAX_MESSAGE_CHARS)} […]` }
          : original;
      // The understanding trace is the bot's own, handed over inside the server (a learner's activity
      // claiming one in channelData is not believed).
      const trace: ReplyTrace = (direction === 'out' ? replyTraceOf(a) : undefined) ?? {};
      return {
        ...base,
        direction,
        type: a.type ?? 'unknown',
        // A summary sent as an Adaptive Card alone (Teams, Web Chat) has its words in the card's fallbackText.
        text: redact(typeof a.text === 'string' && a.text.length > 0 ? a.text : cardWords(a)),
        at: this.o.clock?.() ?? new Date(),
        ...(typeof trace.intent === 'string' ? { intent: trace.intent } : {}),
        ...(typeof trace.confidence === 'number' ? { confidence: trace.confidence } : {}),
        ...(typeof trace.status === 'string'
          ? { status: trace.status }
          : trace.kind === 'fallback'
            ? { status: 'fallback' }
            : {}),
        ...(typeof trace.entryId === 'string' ? { entryId: trace.entryId } : {}),
        ...(typeof trace.dialog === 'string' ? { dialog: trace.dialog } : {}),
        // Feedback is the learner's click, recorded once on their message (a reprompt must not count twice).
        ...(direction === 'in' && feedbackOf(a.text ?? '') ? { feedback: feedbackOf(a.text ?? '')! } : {}),
        activity: scrub(channelTimes(a), ids) as Record<string, unknown>,
      };
    };

    const received = entry(inbound, 'in');
    const written = this.write([received]);
    // Replies held until the turn's state is saved (dialogs/reply-hold.ts) are recorded once they left
    // (with the turn, below), and not at all when the turn is discarded (run again after a conflict, or
    // failed). Replies sent outside a hold are written as they leave.
    const held: Promise<void>[] = [];
    const left: TranscriptEntry[] = [];
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      // Recorded once the handlers added later (channel adaptation, dialog stamp) have shaped them,
      // and even if sending fails.
      try {
        return await sendNext();
      } finally {
        const entries = activities.map((a) => entry(a, 'out'));
        const fate = ReplyHold.of(context)?.fateOf(activities);
        if (fate)
          held.push(
            fate.then((f) => {
              if (f !== 'discarded') left.push(...entries);
            }),
          );
        else void this.write(entries);
      }
    });
    try {
      await next();
      await Promise.all(held);
      // « supprimer mes données »: everything this learner said and was told goes, this turn included.
      // The one write the turn waits for: the learner is told their data is erased.
      if (context.turnState.get(ERASE_LEARNER_DATA)) {
        void this.write(left);
        await this.erase(pseudo);
      } else this.finish(received, written, left, context.turnState.get<MessageReading | undefined>(MESSAGE_READING));
    } catch (err) {
      await Promise.all(held);
      const e = err as Error;
      void this.write([
        ...left,
        { ...entry({ type: 'error', text: '' }, 'out'), error: `${e.name}: ${redact(e.message)}` },
      ]);
      throw err;
    }
  }

  /** Runs `work` after every write, erasure and annotation asked for before it. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Erases a learner's activities: those stored, those in the journal and those still in memory. */
  private erase(pseudo: string): Promise<void> {
    return this.enqueue(async () => {
      this.pending = this.pending.filter((e) => e.userId !== pseudo);
      try {
        this.o.journal?.removeUser(pseudo);
        const erased = await this.store.eraseUser(pseudo);
        this.o.logger.info({ erased }, 'learner asked to erase their data');
      } catch (err) {
        this.o.logger.error({ err }, 'erasure requested by a learner failed');
        throw err;
      }
    });
  }

  /**
   * The end of a turn: its replies, and how the learner's message was read (known only now), in one
   * transaction — a turn costs two commits (its message on arrival, then this), not one per row and an
   * update. When the message itself is not stored yet (it waits in memory or in the journal), the
   * reading goes on its entry there and the replies are written as any others. The reading holds no
   * learner text (intent, figures, entity values), so nothing more needs redacting.
   */
  private finish(
    received: TranscriptEntry,
    written: Promise<number[] | null>,
    replies: TranscriptEntry[],
    reading: MessageReading | undefined,
  ): void {
    const r = reading && received.type === 'message' ? entryReading(reading) : undefined;
    if (!r) {
      if (replies.length > 0) void this.write(replies);
      return;
    }
    this.unwritten.add(replies);
    void this.enqueue(async () => {
      try {
        if (this.abandoned) return;
        const seq = (await written)?.[0];
        if (seq === undefined) {
          Object.assign(received, r);
          try {
            this.o.journal?.annotate(received, r);
          } catch (err) {
            this.o.logger.error({ err }, 'recording how a message was read failed');
          }
          await this.writeNow(replies, false);
          return;
        }
        const stored = await this.writeNow(replies, false, { seq, reading: r });
        // The store refused: the replies wait (journal or memory); the reading is tried on its own once.
        if (stored === null)
          await this.store.annotate(seq, r).catch((err: unknown) => {
            // The message itself is stored; only how it was read is missing (the console shows it unread).
            this.o.logger.error({ err }, 'recording how a message was read failed');
          });
      } finally {
        this.unwritten.delete(replies);
      }
    });
  }

  /** Entries not yet in the store (queued, spooled to the journal, or in memory when the journal failed too). */
  waiting(): number {
    let unwritten = 0;
    for (const entries of this.unwritten) unwritten += entries.length;
    return unwritten + this.pending.length + (this.o.journal?.read().length ?? 0);
  }

  /**
   * The process is stopping and the store has not answered in time (a database that hangs): every
   * entry still only in memory — queued, or in the write under way — is appended to the journal now,
   * for the next start; later writes do nothing. If the write under way succeeds after all, its
   * entries are written twice at the next start rather than never. Returns how many were appended.
   */
  abandon(): number {
    this.abandoned = true;
    const entries = [...this.pending, ...[...this.unwritten].flat()];
    if (!this.o.journal || entries.length === 0) return 0;
    try {
      this.o.journal.append(entries);
      this.pending = [];
      this.unwritten.clear();
      return entries.length;
    } catch (err) {
      this.o.logger.error({ err, lost: entries.length }, 'transcript journal refuses writes at stop: entries lost');
      return 0;
    }
  }

  /** Settles once every write, erasure and annotation asked for so far has run (stored or spooled). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /**
   * Writes what waits (the journal, then memory) to the store, after the writes already asked for;
   * true when nothing waits any more. Called periodically and at shutdown.
   */
  async flush(): Promise<boolean> {
    return (await this.write([], true)) !== null;
  }

  /**
   * Writes with retries, after whatever waits, in one transaction (order kept). When the store keeps
   * refusing, the batch goes to the journal; only if the journal refuses too does it stay in memory
   * (bounded), and the next write tries again — nothing is silently dropped.
   * Resolves with the row numbers of `entries` once written, null while they wait; never rejects.
   */
  private write(entries: TranscriptEntry[], force = false): Promise<number[] | null> {
    this.unwritten.add(entries);
    return this.enqueue(async () => {
      if (this.abandoned) return null;
      try {
        return await this.writeNow(entries, force);
      } finally {
        this.unwritten.delete(entries);
      }
    });
  }

  private async writeNow(
    entries: TranscriptEntry[],
    force: boolean,
    reading?: { seq: number; reading: EntryReading },
  ): Promise<number[] | null> {
    const journal = this.o.journal;
    const now = (this.o.clock?.() ?? new Date()).getTime();
    if (journal && !force && now < this.storeRestingUntil) {
      try {
        journal.append([...this.pending, ...entries]);
        this.pending = [];
        return null;
      } catch {
        /* the journal refuses too: try the store below */
      }
    }
    let spooled: TranscriptEntry[] = [];
    try {
      spooled = journal?.read() ?? [];
    } catch (err) {
      this.o.logger.error({ err }, 'transcript journal unreadable; its entries stay in it');
    }
    const batch = [...spooled, ...this.pending, ...entries];
    if (batch.length === 0 && !reading) return [];
    // With a journal, the journal is the retry: one attempt, then rest the store a while.
    const attempts = this.o.attempts ?? (journal ? 1 : 3);
    let failure: unknown;
    for (let i = 1; i <= attempts; i++) {
      try {
        const seqs = await this.store.record(batch, reading);
        this.pending = [];
        this.storeRestingUntil = 0;
        if (spooled.length > 0) {
          journal!.clear();
          this.o.logger.info({ written: spooled.length }, 'transcript store writable again: spooled entries written');
        }
        return seqs.slice(seqs.length - entries.length);
      } catch (err) {
        failure = err;
      }
    }
    // Given up at stop: abandon() journaled this batch already.
    if (this.abandoned) return null;
    const fresh = [...this.pending, ...entries];
    this.storeRestingUntil = now + (this.o.retryAfterMs ?? 5_000);
    try {
      if (!journal) throw new Error('no journal');
      journal.append(fresh);
      this.pending = [];
      if (fresh.length > 0)
        this.o.logger.error(
          { err: failure, spooled: spooled.length + fresh.length },
          'transcript store refuses writes: entries spooled to the journal',
        );
    } catch (journalError) {
      this.pending = fresh.slice(-10_000);
      this.o.logger.error(
        { err: failure, journalError: journal ? String(journalError) : undefined, waiting: this.pending.length },
        'transcript write failed; will retry with the next write',
      );
    }
    return null;
  }
}

/** How a message was read, as its row keeps it. */
function entryReading(reading: MessageReading): EntryReading {
  // Typed « oui » / « non » after an answer counts as the 👍 / 👎 it stands for (statistics, « À relire »).
  const feedback =
    reading.kind !== 'command'
      ? undefined
      : reading.status === 'feedback_up'
        ? 'up'
        : reading.status === 'feedback_down'
          ? 'down'
          : undefined;
  return { ...reading, ...(feedback ? { feedback } : {}) };
}

/** The words an Adaptive Card carries for readers that cannot show it (its fallbackText), or ''. */
function cardWords(a: Partial<Activity>): string {
  for (const attachment of a.attachments ?? []) {
    const content = attachment.content as { fallbackText?: unknown } | undefined;
    if (
      attachment.contentType === 'application/vnd.microsoft.card.adaptive' &&
      typeof content?.fallbackText === 'string'
    )
      return content.fallbackText;
  }
  return '';
}
