import type { Activity, Middleware, TurnContext } from 'botbuilder-core';
import { feedbackOf } from '../../dialogs/router.ts';
import { MAX_MESSAGE_CHARS } from '../../dialogs/assistant-bot.ts';
import { ERASE_LEARNER_DATA } from '../../dialogs/services.ts';
import { MESSAGE_READING, replyTraceOf, type MessageReading, type ReplyTrace } from '../../dialogs/reply-trace.ts';
import { pseudonymize } from '../privacy/pseudonym.ts';
import { redact } from '../privacy/redact.ts';
import type { Logger } from '../logger.ts';
import type { EntryReading, TranscriptEntry, TranscriptStore } from './store.ts';

export interface RecorderOptions {
  pseudonymKey: string;
  logger: Logger;
  clock?: () => Date;
  /** Attempts per write before the entries wait for the next write. */
  attempts?: number;
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
  const tenant = conversation?.tenantId ?? ((activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id);
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
  'id', 'replyToId', 'type', 'channelId', 'serviceUrl', 'timestamp', 'localTimestamp', 'localTimezone',
  'locale', 'textFormat', 'inputHint', 'role', 'conversationType', 'contentType', 'attachmentLayout',
  'clientActivityID', 'clientTimestamp', 'action', 'importance', 'deliveryMode', 'callerId', 'expiration',
]);
const MAX_FIELD_CHARS = 256;

/**
 * The times as the channel wrote them: botbuilder turns `timestamp`, `localTimestamp` and `expiration`
 * into Dates and keeps the strings under `raw…` — a Date loses the learner's UTC offset, and the raw
 * copies would be stored as free text.
 */
function channelTimes(activity: Partial<Activity>): Partial<Activity> {
  const { rawTimestamp, rawLocalTimestamp, rawExpiration, ...rest } = activity as Partial<Activity> & Record<'rawTimestamp' | 'rawLocalTimestamp' | 'rawExpiration', unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (typeof rawTimestamp === 'string') out.timestamp = rawTimestamp;
  if (typeof rawLocalTimestamp === 'string') out.localTimestamp = rawLocalTimestamp;
  if (typeof rawExpiration === 'string') out.expiration = rawExpiration;
  return out as Partial<Activity>;
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
 * botbuilder's TranscriptLoggerMiddleware it writes the incoming activity before the turn runs, each
 * reply as it is sent, and an error entry when the turn throws — so a failing turn is still recorded —
 * and it retries failed writes instead of only logging them.
 */
export class TranscriptRecorder implements Middleware {
  private pending: TranscriptEntry[] = [];

  constructor(private readonly store: TranscriptStore, private readonly o: RecorderOptions) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const inbound = context.activity;
    const learner = learnerId(inbound, 'in');
    const pseudo = pseudonymize(learner, this.o.pseudonymKey);
    const ids = new Map([[learner, pseudo]]);
    for (const id of stablePerLearner(inbound)) ids.set(id, pseudonymize(id, this.o.pseudonymKey));
    const conversationId = (inbound.conversation?.id ?? 'unknown').slice(0, MAX_FIELD_CHARS);
    const base = { conversationId: ids.get(conversationId) ?? conversationId, channelId: (inbound.channelId ?? 'unknown').slice(0, 64), userId: pseudo };
    const entry = (original: Partial<Activity>, direction: 'in' | 'out'): TranscriptEntry => {
      // A learner's message is kept only as far as the bot reads it (MAX_MESSAGE_CHARS): the rest was
      // never understood, and storing it would only keep more personal data.
      const a = direction === 'in' && typeof original.text === 'string' && original.text.length > MAX_MESSAGE_CHARS
        ? { ...original, text: `${original.text.slice(0, MAX_MESSAGE_CHARS)} […]` }
        : original;
      // The understanding trace is the bot's own, handed over inside the server (a learner's activity
      // claiming one in channelData is not believed).
      const trace: ReplyTrace = (direction === 'out' ? replyTraceOf(a) : undefined) ?? {};
      return {
        ...base,
        direction,
        type: a.type ?? 'unknown',
        text: redact(typeof a.text === 'string' ? a.text : ''),
        at: this.o.clock?.() ?? new Date(),
        ...(typeof trace.intent === 'string' ? { intent: trace.intent } : {}),
        ...(typeof trace.confidence === 'number' ? { confidence: trace.confidence } : {}),
        ...(typeof trace.status === 'string' ? { status: trace.status } : trace.kind === 'fallback' ? { status: 'fallback' } : {}),
        ...(typeof trace.entryId === 'string' ? { entryId: trace.entryId } : {}),
        ...(typeof trace.dialog === 'string' ? { dialog: trace.dialog } : {}),
        // Feedback is the learner's click, recorded once on their message (a reprompt must not count twice).
        ...(direction === 'in' && feedbackOf(a.text ?? '') ? { feedback: feedbackOf(a.text ?? '')! } : {}),
        activity: scrub(channelTimes(a), ids) as Record<string, unknown>,
      };
    };

    const received = entry(inbound, 'in');
    const [seq] = this.write([received]);
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      // Recorded once the handlers added later (channel adaptation, dialog stamp) have shaped them,
      // and even if sending fails.
      try {
        return await sendNext();
      } finally {
        this.write(activities.map((a) => entry(a, 'out')));
      }
    });
    try {
      await next();
      // « supprimer mes données »: everything this learner said and was told goes, this turn included.
      if (context.turnState.get(ERASE_LEARNER_DATA)) this.erase(pseudo);
      else this.annotate(received, seq, context.turnState.get(MESSAGE_READING) as MessageReading | undefined);
    } catch (err) {
      const e = err as Error;
      this.write([{ ...entry({ type: 'error', text: '' }, 'out'), error: `${e.name}: ${redact(e.message)}` }]);
      throw err;
    }
  }

  /** Erases a learner's activities, and those still waiting to be written. */
  private erase(pseudo: string): void {
    this.pending = this.pending.filter((e) => e.userId !== pseudo);
    try {
      const erased = this.store.eraseUser(pseudo);
      this.o.logger.info({ erased }, 'learner asked to erase their data');
    } catch (err) {
      this.o.logger.error({ err }, 'erasure requested by a learner failed');
      throw err;
    }
  }

  /**
   * How the learner's message was read, known once the turn is over: written on its row, or on the
   * entry itself while it still waits to be written. The reading holds no learner text (intent,
   * figures, entity values), so nothing more needs redacting.
   */
  private annotate(received: TranscriptEntry, seq: number | undefined, reading: MessageReading | undefined): void {
    if (!reading || received.type !== 'message') return;
    const r: EntryReading = {
      kind: reading.kind,
      ...(reading.intent ? { intent: reading.intent } : {}),
      ...(typeof reading.confidence === 'number' ? { confidence: reading.confidence } : {}),
      ...(reading.status ? { status: reading.status } : {}),
      ...(reading.entities ? { entities: reading.entities } : {}),
      ...(reading.dialogStarted ? { dialogStarted: reading.dialogStarted } : {}),
      ...(reading.prompt ? { prompt: reading.prompt } : {}),
    };
    if (seq === undefined) {
      Object.assign(received, r);
      return;
    }
    try {
      this.store.annotate(seq, r);
    } catch (err) {
      // The message itself is stored; only how it was read is missing (the console shows it unread).
      this.o.logger.error({ err }, 'recording how a message was read failed');
    }
  }

  /**
   * Writes with retries; what still fails waits for the next write (nothing is silently dropped).
   * Returns the row numbers of `entries` once written (none while they wait).
   */
  private write(entries: TranscriptEntry[]): number[] {
    const batch = [...this.pending, ...entries];
    const attempts = this.o.attempts ?? 3;
    for (let i = 1; i <= attempts; i++) {
      let seqs: number[];
      try {
        seqs = this.store.record(batch);
      } catch (err) {
        if (i === attempts) {
          this.o.logger.error({ err, waiting: batch.length }, 'transcript write failed; will retry with the next write');
          this.pending = batch.slice(-10_000);
        }
        continue;
      }
      this.pending = [];
      return Array.isArray(seqs) ? seqs.slice(seqs.length - entries.length) : [];
    }
    return [];
  }
}
