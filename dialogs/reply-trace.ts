import type { Activity } from 'botbuilder-core';
import type { Answer, Answerer, AnswerKind } from '../knowledge/answers.ts';

/**
 * How a reply came about — what was understood, from which knowledge entry, said by which dialog —
 * for the transcript store and the staff console. It stays inside the server: it is kept under a
 * symbol, which no channel sees (activities leave the server as JSON, and JSON has no symbols), never
 * in channelData, which Teams, Web Chat and every Direct Line client receive.
 */
export interface ReplyTrace {
  kind?: AnswerKind;
  intent?: string | null;
  confidence?: number;
  status?: string;
  entryId?: string;
  entryIds?: string[];
  sources?: string[];
  feedback?: 'up' | 'down';
  /** The active dialogs and steps ("registration › registration-steps#2 › prompt-place"). */
  dialog?: string;
}

export const REPLY_TRACE: unique symbol = Symbol('reply trace');

export type TracedActivity = Partial<Activity> & { [REPLY_TRACE]?: ReplyTrace };

/** The trace of an outgoing activity, when the assistant gave it one. */
export function replyTraceOf(activity: Partial<Activity>): ReplyTrace | undefined {
  return (activity as TracedActivity)[REPLY_TRACE];
}

/** The activity with its trace (a copy; the trace is merged into any it already has). */
export function withReplyTrace<T extends Partial<Activity>>(activity: T, trace: ReplyTrace): T {
  return { ...activity, [REPLY_TRACE]: { ...replyTraceOf(activity), ...trace } };
}

/**
 * How an answer was understood. The router traces what it read; an answer given without reading —
 * a follow-up button (the entry's own question), « Plus de détails », a guided dialog's answer — is
 * about a known entry, chosen by the learner: that entry's intent, answered, with full confidence.
 */
export function answerTrace(answer: Answer, answerer: Answerer): ReplyTrace {
  const chosen = !answer.trace && answer.entryId && (answer.kind === 'answer' || answer.kind === 'details')
    ? { intent: answerer.kb.entry(answer.entryId)?.intents[0] ?? null, confidence: 1, status: 'answered' }
    : undefined;
  return {
    kind: answer.kind,
    ...(answer.entryId ? { entryId: answer.entryId } : {}),
    ...(answer.entryIds ? { entryIds: answer.entryIds } : {}),
    sources: answer.sources.map((s) => s.section),
    ...(answer.trace ?? chosen ?? {}),
    ...(answer.feedback ? { feedback: answer.feedback } : {}),
  };
}
