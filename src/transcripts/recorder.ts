import type { Activity, Middleware, TurnContext } from 'botbuilder-core';
import { feedbackOf } from '../../dialogs/router.ts';
import { pseudonymize } from '../privacy/pseudonym.ts';
import { redact } from '../privacy/redact.ts';
import type { Logger } from '../logger.ts';
import type { TranscriptEntry, TranscriptStore } from './store.ts';

export interface RecorderOptions {
  pseudonymKey: string;
  logger: Logger;
  clock?: () => Date;
  /** Attempts per write before the entries wait for the next write. */
  attempts?: number;
}

/** The learner's side of a conversation is whoever is not the bot. */
function learnerId(activity: Partial<Activity>, direction: 'in' | 'out'): string {
  return (direction === 'in' ? activity.from?.id : activity.recipient?.id) ?? 'unknown';
}

/** A deep copy of an activity with every string redacted and the learner's ids pseudonymised. */
function scrub(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? redact(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, ids));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'name' && ids.size > 0) continue; // display names are personal data too
      if (k === 'aadObjectId') continue;
      out[k] = scrub(v, ids);
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
    const base = { conversationId: inbound.conversation?.id ?? 'unknown', channelId: inbound.channelId ?? 'unknown', userId: pseudo };
    const ids = new Map([[learner, pseudo]]);
    const entry = (a: Partial<Activity>, direction: 'in' | 'out'): TranscriptEntry => {
      const channelData = (a.channelData ?? {}) as Record<string, unknown>;
      const trace = (channelData.answer ?? {}) as Record<string, unknown>;
      return {
        ...base,
        direction,
        type: a.type ?? 'unknown',
        text: redact(a.text ?? ''),
        at: this.o.clock?.() ?? new Date(),
        ...(typeof trace.intent === 'string' ? { intent: trace.intent } : {}),
        ...(typeof trace.confidence === 'number' ? { confidence: trace.confidence } : {}),
        ...(typeof trace.status === 'string' ? { status: trace.status } : typeof trace.kind === 'string' && trace.kind === 'fallback' ? { status: 'fallback' } : {}),
        ...(typeof trace.entryId === 'string' ? { entryId: trace.entryId } : {}),
        ...(direction === 'out' && typeof channelData.dialog === 'string' ? { dialog: channelData.dialog } : {}),
        // Feedback is the learner's click, recorded once on their message (a reprompt must not count twice).
        ...(direction === 'in' && feedbackOf(a.text ?? '') ? { feedback: feedbackOf(a.text ?? '')! } : {}),
        activity: scrub(a, ids) as Record<string, unknown>,
      };
    };

    this.write([entry(inbound, 'in')]);
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
    } catch (err) {
      const e = err as Error;
      this.write([{ ...entry({ type: 'error', text: '' }, 'out'), error: `${e.name}: ${redact(e.message)}` }]);
      throw err;
    }
  }

  /** Writes with retries; what still fails waits for the next write (nothing is silently dropped). */
  private write(entries: TranscriptEntry[]): void {
    const batch = [...this.pending, ...entries];
    const attempts = this.o.attempts ?? 3;
    for (let i = 1; i <= attempts; i++) {
      try {
        this.store.record(batch);
        this.pending = [];
        return;
      } catch (err) {
        if (i === attempts) {
          this.o.logger.error({ err, waiting: batch.length }, 'transcript write failed; will retry with the next write');
          this.pending = batch.slice(-10_000);
        }
      }
    }
  }
}
