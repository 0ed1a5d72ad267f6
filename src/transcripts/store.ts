import type { MessageReading } from '../../dialogs/reply-trace.ts';

/** What is kept of each activity, in and out, already redacted and pseudonymised. */
export interface TranscriptEntry {
  /** Row number, once stored. */
  seq?: number;
  conversationId: string;
  channelId: string;
  /** Pseudonymous learner id (keyed hash), never the channel's id. */
  userId: string;
  direction: 'in' | 'out';
  type: string;
  /** Redacted text. */
  text: string;
  at: Date;
  /**
   * How it was understood: on a learner's message, how the bot read it (see MessageReading in
   * dialogs/reply-trace.ts); on the bot's answers, the understanding the answer rests on.
   */
  intent?: string;
  confidence?: number;
  status?: string;
  entryId?: string;
  dialog?: string;
  /** Learner messages: question, button, prompt_answer or command (absent on rows recorded before it existed). */
  kind?: string;
  /** Learner messages: entities found, as values. */
  entities?: Record<string, string>;
  /** Learner messages: the guided dialog the message started, the prompt it answered. */
  dialogStarted?: string;
  prompt?: string;
  /** The turn failed: the error class and message (no stack). */
  error?: string;
  /** On the acknowledgement of a learner's 👍 / 👎. */
  feedback?: 'up' | 'down';
  /** The redacted activity itself (for .transcript exports). */
  activity: Record<string, unknown>;
}

/** How a learner message was read (the main dialog's MessageReading), written once its turn is over. */
export interface EntryReading extends MessageReading {
  /** « oui » / « non » typed right after an answer: feedback as the 👍 / 👎 buttons give it. */
  feedback?: 'up' | 'down';
}

export interface ConversationSummary {
  conversationId: string;
  channelId: string;
  userId: string;
  startedAt: Date;
  lastAt: Date;
  /** The first thing the learner asked (a question, else the first message), redacted. */
  preview: string;
  /** Learner messages read as questions (not buttons, answers to the assistant's questions, commands). */
  questions: number;
  unanswered: number;
  negativeFeedback: number;
  reviewed: boolean;
}

/** Filters of the conversations list (all optional). */
export interface ConversationFilter {
  channel?: string;
  from?: Date;
  to?: Date;
  unansweredOnly?: boolean;
  negativeFeedbackOnly?: boolean;
  intent?: string;
  /** Words searched in the (redacted) messages. */
  text?: string;
  /** Staff review state: « relues » or « à relire ». */
  reviewed?: boolean;
  limit?: number;
  offset?: number;
}

/** Totals of the filtered list, shown above it. */
export interface ListTotals {
  conversations: number;
  questions: number;
  unanswered: number;
  negativeFeedback: number;
  reviewed: number;
}

/** A learner message with how it was read (the bot's reading, or for older rows its first reply's). */
export interface LearnerMessage {
  seq: number;
  conversationId: string;
  channelId: string;
  text: string;
  at: Date;
  kind: string;
  intent?: string;
  confidence?: number;
  status?: string;
  dialogStarted?: string;
  prompt?: string;
  feedback?: 'up' | 'down';
}

/** Staff's decision on a learner message: the intent it should have had (« hors_sujet » included). */
export interface Correction {
  text: string;
  intent: string;
  by: string;
  at: Date;
  conversationId?: string;
  seq?: number;
}

export interface Window {
  from: Date;
  to: Date;
}

/**
 * The log: what was said, written by the recorder, erased on request or after retention. Every call
 * answers a promise: PostgreSQL answers over the network; SQLite answers at once (already settled).
 */
export interface TranscriptLog {
  /**
   * Stores the entries (one transaction, in order); returns their row numbers in order. With `reading`,
   * the same transaction also writes how the learner message of row `seq` was read (as annotate does):
   * a turn's replies and its reading are one commit.
   */
  record(entries: TranscriptEntry[], reading?: { seq: number; reading: EntryReading }): Promise<number[]>;
  /** How a stored learner message was read (known once its turn is over). */
  annotate(seq: number, reading: EntryReading): Promise<void>;
  activities(conversationId: string): Promise<TranscriptEntry[]>;
  /** Deletes conversations whose last activity is older than `before`; returns how many activities. */
  purgeBefore(before: Date): Promise<number>;
  /** Deletes everything of one learner (by pseudonymous id); returns how many activities. */
  eraseUser(userId: string): Promise<number>;
  close(): Promise<void>;
}

/** What the console reads: lists, learner messages, channels. */
export interface TranscriptQueries {
  conversations(filter?: ConversationFilter): Promise<ConversationSummary[]>;
  countConversations(filter?: ConversationFilter): Promise<number>;
  totals(filter?: ConversationFilter): Promise<ListTotals>;
  channels(): Promise<string[]>;
  /** Learner messages of the window (all conversations), oldest first. */
  learnerMessages(window: Window): Promise<LearnerMessage[]>;
  /** One learner message. */
  learnerMessage(seq: number): Promise<LearnerMessage | undefined>;
}

export interface Review {
  reviewed: boolean;
  note: string;
  by: string;
  at: Date;
}

/** What staff decide: conversation reviews and corrected intents. */
export interface StaffReviews {
  review(conversationId: string, reviewed: boolean, note: string, by: string): Promise<void>;
  reviewOf(conversationId: string): Promise<Review | undefined>;
  /** The intent a learner's message should have had (one per sentence: the last decision wins). */
  correct(correction: Omit<Correction, 'at'>): Promise<void>;
  corrections(): Promise<Correction[]>;
}

/**
 * Where transcripts live: SQLite (TRANSCRIPTS_FILE, the default) or PostgreSQL (DATABASE_URL, shared by
 * instances). Both pass the same tests (test/transcripts-store.test.ts).
 */
export interface TranscriptStore extends TranscriptLog, TranscriptQueries, StaffReviews {}
