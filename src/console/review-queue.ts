import type { Correction, LearnerMessage } from '../transcripts/store.ts';

/** Why a learner message is worth a look. */
export type ReviewReason =
  'fallback' | 'clarification' | 'not_covered' | 'low_confidence' | 'negative_feedback' | 'dialog_left';

export const REASON_NAMES: Record<ReviewReason, string> = {
  fallback: 'pas compris',
  clarification: 'clarification demandée',
  not_covered: 'non couvert par la fiche',
  low_confidence: 'confiance faible',
  negative_feedback: 'avis 👎',
  dialog_left: 'dialogue abandonné',
};

export interface ReviewItem {
  message: LearnerMessage;
  reasons: ReviewReason[];
  /** Staff's decision on this sentence, when there is one: the item has left the queue. */
  correction?: Correction;
}

/** Answers below this confidence are worth a look even when given. */
export const LOW_CONFIDENCE = 0.5;

/** Commands that leave a guided dialog before its end. */
const LEAVING = new Set(['cancel', 'restart', 'menu']);

/**
 * The « À relire » queue, from the learner messages of a window (oldest first): questions the
 * assistant did not answer (fallback, clarification, not covered), answered with low confidence,
 * answers the learner gave a 👎, dialogs left before their end — and any message staff corrected
 * (those have left the queue: `correction` is set). Newest first.
 */
export function reviewQueue(messages: readonly LearnerMessage[], corrections: readonly Correction[]): ReviewItem[] {
  const corrected = new Map(corrections.map((c) => [c.text, c]));
  const reasons = new Map<number, Set<ReviewReason>>();
  const flag = (m: LearnerMessage, r: ReviewReason) => {
    const set = reasons.get(m.seq) ?? new Set<ReviewReason>();
    set.add(r);
    reasons.set(m.seq, set);
  };
  const byConversation = new Map<string, LearnerMessage[]>();
  for (const m of messages) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m]);

  for (const list of byConversation.values()) {
    list.forEach((m, i) => {
      if (m.kind === 'question') {
        if (m.status === 'fallback') flag(m, 'fallback');
        else if (m.status === 'ambiguous') flag(m, 'clarification');
        else if (m.status === 'not_covered') flag(m, 'not_covered');
        else if (m.status === 'answered' && m.confidence !== undefined && m.confidence < LOW_CONFIDENCE)
          flag(m, 'low_confidence');
      }
      // A 👎 is about the answer to the message before it (the question, or the button pressed).
      if (m.feedback === 'down') {
        const asked = list
          .slice(0, i)
          .reverse()
          .find((p) => (p.kind === 'question' || p.kind === 'button') && !p.feedback);
        if (asked) flag(asked, 'negative_feedback');
      }
      if (m.dialogStarted) {
        const rest = list.slice(i + 1);
        const end = rest.findIndex((p) => p.dialogStarted);
        const during = end >= 0 ? rest.slice(0, end) : rest;
        const left =
          during.some((p) => p.kind === 'command' && LEAVING.has(p.status ?? '')) ||
          !during.some((p) => p.kind === 'prompt_answer');
        if (left) flag(m, 'dialog_left');
      }
    });
  }

  const items: ReviewItem[] = [];
  for (const m of messages) {
    const why = reasons.get(m.seq);
    const correction = corrected.get(m.text);
    if (!why && !correction) continue;
    items.push({ message: m, reasons: [...(why ?? [])], ...(correction ? { correction } : {}) });
  }
  return items.reverse();
}
