/** What is kept of each activity, in and out, already redacted and pseudonymised. */
export interface TranscriptEntry {
  conversationId: string;
  channelId: string;
  /** Pseudonymous learner id (keyed hash), never the channel's id. */
  userId: string;
  direction: 'in' | 'out';
  type: string;
  /** Redacted text. */
  text: string;
  at: Date;
  /** How the question was understood, on the bot's answers. */
  intent?: string;
  confidence?: number;
  status?: string;
  entryId?: string;
  dialog?: string;
  /** The turn failed: the error class and message (no stack). */
  error?: string;
  /** On the acknowledgement of a learner's 👍 / 👎. */
  feedback?: 'up' | 'down';
  /** The redacted activity itself (for .transcript exports). */
  activity: Record<string, unknown>;
}

export interface ConversationSummary {
  conversationId: string;
  channelId: string;
  userId: string;
  startedAt: Date;
  lastAt: Date;
  turns: number;
  unanswered: number;
  negativeFeedback: number;
}

/** A learner's question the assistant did not answer (fallback, "Vouliez-vous dire", low confidence). */
export interface UnansweredQuestion {
  conversationId: string;
  text: string;
  at: Date;
  status: string;
  intent?: string;
  confidence?: number;
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
  limit?: number;
  offset?: number;
}

export interface Statistics {
  questionsPerDay: { day: string; questions: number; fallbacks: number }[];
  perIntent: { intent: string; answers: number }[];
  answered: number;
  unanswered: number;
  feedbackUp: number;
  feedbackDown: number;
}

/** Where transcripts live. SQLite by default; another engine implements the same interface. */
export interface TranscriptStore {
  record(entries: TranscriptEntry[]): void;
  conversations(filter?: ConversationFilter): ConversationSummary[];
  countConversations(filter?: ConversationFilter): number;
  statistics(since: Date): Statistics;
  activities(conversationId: string): TranscriptEntry[];
  /** Questions whose first reply was a fallback or a clarification, or below `minConfidence`. */
  unanswered(minConfidence: number): UnansweredQuestion[];
  /** Staff's decision: which intent an unanswered question should have had. */
  assign(text: string, intent: string, by: string): void;
  assignments(): { text: string; intent: string; by: string; at: Date }[];
  /** Staff review of a conversation: reviewed or not, and a note. */
  review(conversationId: string, reviewed: boolean, note: string, by: string): void;
  reviewOf(conversationId: string): { reviewed: boolean; note: string; by: string; at: Date } | undefined;
  /** Deletes conversations whose last activity is older than `before`; returns how many. */
  purgeBefore(before: Date): number;
  /** Deletes everything of one learner (by pseudonymous id); returns how many activities. */
  eraseUser(userId: string): number;
  close(): void;
}
