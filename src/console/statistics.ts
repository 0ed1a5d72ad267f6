import type { LearnerMessage } from '../transcripts/store.ts';
import { groupBySimilarity } from './grouping.ts';

export interface Statistics {
  /** Learner messages read as questions: not buttons, answers to the assistant's questions (dates, « oui »), commands. */
  questions: number;
  /** Every question has exactly one outcome: these four add up to `questions`. */
  answered: number;
  clarified: number;
  notCovered: number;
  notUnderstood: number;
  feedbackUp: number;
  feedbackDown: number;
  /** 👍 / (👍 + 👎), when there was any feedback. */
  satisfaction?: number;
  perDay: { day: string; questions: number; unanswered: number }[];
  perChannel: { channel: string; questions: number; answered: number }[];
  perIntent: { intent: string; answered: number }[];
  /** What was asked most without an answer (similar questions together). */
  topUnanswered: { example: string; count: number }[];
}

/** A day as YYYY-MM-DD in local time (the console's staff and the learners share the time zone). */
function dayOf(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Statistics of a window on one base: the learner's questions. Each question counts once, with the
 * outcome of its reading; feedback counts the learners' 👍 / 👎 clicks in the window.
 */
export function statistics(messages: readonly LearnerMessage[], stopwords: ReadonlySet<string>): Statistics {
  const questions = messages.filter((m) => m.kind === 'question' && !m.feedback);
  const outcome = (m: LearnerMessage) =>
    m.status === 'answered'
      ? 'answered'
      : m.status === 'ambiguous'
        ? 'clarified'
        : m.status === 'not_covered'
          ? 'notCovered'
          : 'notUnderstood';
  const count = (o: string) => questions.filter((m) => outcome(m) === o).length;
  const up = messages.filter((m) => m.feedback === 'up').length;
  const down = messages.filter((m) => m.feedback === 'down').length;
  const perDay = new Map<string, { questions: number; unanswered: number }>();
  const perChannel = new Map<string, { questions: number; answered: number }>();
  const perIntent = new Map<string, number>();
  for (const m of questions) {
    const answered = outcome(m) === 'answered';
    const day = perDay.get(dayOf(m.at)) ?? { questions: 0, unanswered: 0 };
    day.questions++;
    if (!answered) day.unanswered++;
    perDay.set(dayOf(m.at), day);
    const channel = perChannel.get(m.channelId) ?? { questions: 0, answered: 0 };
    channel.questions++;
    if (answered) channel.answered++;
    perChannel.set(m.channelId, channel);
    if (answered && m.intent) perIntent.set(m.intent, (perIntent.get(m.intent) ?? 0) + 1);
  }
  const unanswered = questions.filter((m) => outcome(m) !== 'answered' && m.text.trim() !== '');
  return {
    questions: questions.length,
    answered: count('answered'),
    clarified: count('clarified'),
    notCovered: count('notCovered'),
    notUnderstood: count('notUnderstood'),
    feedbackUp: up,
    feedbackDown: down,
    ...(up + down > 0 ? { satisfaction: up / (up + down) } : {}),
    perDay: [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v })),
    perChannel: [...perChannel]
      .sort((a, b) => b[1].questions - a[1].questions)
      .map(([channel, v]) => ({ channel, ...v })),
    perIntent: [...perIntent].sort((a, b) => b[1] - a[1]).map(([intent, answered]) => ({ intent, answered })),
    topUnanswered: groupBySimilarity(unanswered, (m) => m.text, stopwords)
      .slice(0, 10)
      .map((g) => ({ example: g.representative.text, count: g.members.length })),
  };
}
