import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder-core';
import type { Answer, Answerer } from '../knowledge/answers.ts';
import { answerTrace, withReplyTrace } from './reply-trace.ts';

/**
 * Turns a channel-free Answer into a Bot Framework message: the text with its source line, follow-up
 * questions as suggested actions (buttons that send their label), and configured links as a card.
 */
export function renderAnswer(answer: Answer, answerer: Answerer): Partial<Activity> {
  const conv = answerer.conversation;
  const source = answerer.sourceLine(answer);
  // Every answer from the knowledge base asks whether it helped (👍 / 👎 buttons after the follow-ups).
  const askFeedback = answer.kind === 'answer' && answer.sources.length > 0;
  const text = [answer.text, source, askFeedback ? conv.feedback_question : ''].filter(Boolean).join('\n\n');
  const buttons = askFeedback ? [...answer.buttons, conv.feedback_yes, conv.feedback_no] : answer.buttons;
  const activity = buttons.length > 0 ? MessageFactory.suggestedActions(buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'acceptingInput';
  if (answer.links.length > 0) {
    const buttons: CardAction[] = answer.links.map((l) => ({ type: ActionTypes.OpenUrl, title: l.label, value: l.url }));
    activity.attachments = [CardFactory.heroCard('', undefined, buttons)];
  }
  // How it was understood, for transcripts only (see reply-trace.ts: never sent to the channel).
  return withReplyTrace(activity, answerTrace(answer, answerer));
}

/** A question of a guided dialog, with its possible answers as buttons. */
export function renderPrompt(text: string, buttons: string[] = []): Partial<Activity> {
  const activity = buttons.length > 0 ? MessageFactory.suggestedActions(buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'expectingInput';
  return activity;
}
