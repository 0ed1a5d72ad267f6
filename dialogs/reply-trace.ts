import type { Activity } from 'botbuilder-core';
import type { Answer, Answerer, AnswerKind } from '../knowledge/answers.ts';
import type { Entities } from '../intents/nlu/understand.ts';
import type { Route } from './router.ts';

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

/**
 * A learner's 👍 / 👎 (the feedback buttons start with their emoji). Matching the words ("Oui") would
 * steal the answers to the yes/no questions of the guided dialogs. Read by the router (a command) and
 * by the transcript recorder (the feedback of an incoming message): one reading, in the module between
 * the dialogs and src/.
 */
export function feedbackOf(text: string): 'up' | 'down' | null {
  const t = text.trim();
  if (t.startsWith('👍')) return 'up';
  if (t.startsWith('👎')) return 'down';
  return null;
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
  const chosen =
    !answer.trace && answer.entryId && (answer.kind === 'answer' || answer.kind === 'details')
      ? { intent: answerer.entry(answer.entryId)?.intents[0] ?? null, confidence: 1, status: 'answered' }
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

/**
 * What a learner's message was, as the bot read it — for the staff console, which shows beside each
 * learner message how it was understood, and counts as questions only the messages read as such
 * (not a button, an answer to the assistant's own question, « oui », a command). Set once per turn in
 * `turnState` under MESSAGE_READING by the main dialog; the transcript recorder reads it after the turn.
 */
export interface MessageReading {
  kind: 'question' | 'button' | 'prompt_answer' | 'command';
  intent?: string | null;
  confidence?: number;
  status?: string;
  /** Entities found, as values (not the learner's words): « note: 12 », « date: 2026-06 », « département: 69 ». */
  entities?: Record<string, string>;
  /** The guided dialog this message started. */
  dialogStarted?: string;
  /** The prompt this message answered (« prompt-grade », « prompt-comment »: a 👎's comment). */
  prompt?: string;
}

export const MESSAGE_READING: unique symbol = Symbol('message reading');

/** Entities as plain values, without the learner's wording. */
export function entityValues(entities: Entities | undefined): Record<string, string> | undefined {
  if (!entities) return undefined;
  const out: Record<string, string> = {};
  if (entities.grade) out.note = `${entities.grade.value}/20`;
  if (entities.date) {
    const d = entities.date.date;
    const two = (n: number) => String(n).padStart(2, '0');
    out.date =
      entities.date.precision === 'year'
        ? `${d.getFullYear()}`
        : entities.date.precision === 'month'
          ? `${d.getFullYear()}-${two(d.getMonth() + 1)}`
          : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  }
  if (entities.dateRole) out.date_role = entities.dateRole;
  if (entities.place) out.departement = entities.place.departement;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The reading of a routed message: a question when understanding read it, a button otherwise. */
export function readingOfRoute(route: Route): MessageReading {
  if (route.type === 'command') return { kind: 'command', status: route.command };
  const u = route.understanding;
  const trace = route.type === 'answer' ? route.answer.trace : undefined;
  const entities = entityValues(u?.entities);
  return {
    kind: u ? 'question' : 'button',
    ...(u
      ? {
          intent: trace?.intent ?? u.intent,
          confidence: Math.round((trace?.confidence ?? u.confidence) * 1000) / 1000,
          status: trace?.status ?? u.status,
        }
      : {}),
    ...(entities ? { entities } : {}),
    ...(route.type === 'dialog' ? { dialogStarted: route.dialog } : {}),
  };
}
