import {
  ActionTypes,
  CardFactory,
  MessageFactory,
  type Activity,
  type Attachment,
  type CardAction,
} from 'botbuilder-core';
import type { Answer, Answerer } from '../knowledge/answers.ts';
import { answerTrace, withReplyTrace } from './reply-trace.ts';

/** At most this many follow-up buttons on an answer, then « Menu » (and the feedback buttons). */
export const MAX_FOLLOW_UPS = 3;

/**
 * Three follow-ups at most, « Plus de détails » kept when it was offered (the learner's way to the
 * sheet's own words).
 */
function capFollowUps(buttons: string[], details: string): string[] {
  if (buttons.length <= MAX_FOLLOW_UPS) return buttons;
  const hasDetails = buttons.includes(details);
  const others = buttons.filter((b) => b !== details).slice(0, hasDetails ? MAX_FOLLOW_UPS - 1 : MAX_FOLLOW_UPS);
  return hasDetails ? [...others, details] : others;
}

/** Whether an answer gets the 👍 / 👎 control: an answer of the knowledge base (it has a source). */
export function asksFeedback(answer: Answer): boolean {
  return answer.kind === 'answer' && answer.sources.length > 0;
}

/**
 * Turns a channel-free Answer into a Bot Framework message: the text with its source line; follow-up
 * questions, « Menu » and the feedback control as suggested actions (buttons that send their label);
 * configured links as a card; a summary as an Adaptive Card too (channel-output.ts keeps, per channel,
 * either the card or the plain text).
 */
export function renderAnswer(answer: Answer, answerer: Answerer): Partial<Activity> {
  const conv = answerer.conversation;
  const feedback = asksFeedback(answer);
  const isAnswer = answer.kind === 'answer' || answer.kind === 'details';
  const menu = answerer.menuLabels();
  const showsMenu = answer.buttons.some((b) => menu.includes(b));
  // After every answer the topics stay one button away (« menu » typed works too).
  const buttons = isAnswer
    ? [
        ...capFollowUps(answer.buttons, conv.details_button),
        ...(showsMenu ? [] : [conv.menu_button]),
        ...(feedback ? [conv.feedback_yes, conv.feedback_no] : []),
      ]
    : answer.buttons;
  // A summary says its sources part by part, in its text and its card.
  const text = answer.sections ? answer.text : [answer.text, answerer.sourceLine(answer)].filter(Boolean).join('\n\n');
  const activity = buttons.length > 0 ? MessageFactory.suggestedActions(buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'acceptingInput';
  const attachments: Attachment[] = [];
  if (answer.sections && answer.title) attachments.push(summaryCard(answer, answerer));
  if (answer.links.length > 0) {
    const links: CardAction[] = answer.links.map((l) => ({ type: ActionTypes.OpenUrl, title: l.label, value: l.url }));
    attachments.push(CardFactory.heroCard('', undefined, links));
  }
  if (attachments.length > 0) activity.attachments = attachments;
  // How it was understood, for transcripts only (see reply-trace.ts: never sent to the channel).
  return withReplyTrace(activity, answerTrace(answer, answerer));
}

/**
 * A summary as one Adaptive Card (1.5, what Teams and Web Chat render): its title, then each part with
 * its source in small print. The buttons stay the activity's (channel-output.ts moves them into the
 * card's actions on Teams).
 */
function summaryCard(answer: Answer, answerer: Answerer): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    speak: answer.text,
    fallbackText: answer.text,
    body: [
      { type: 'TextBlock', text: answer.title, size: 'Medium', weight: 'Bolder', wrap: true, style: 'heading' },
      ...(answer.sections ?? []).map((s) => ({
        type: 'Container',
        separator: true,
        spacing: 'Medium',
        items: [
          { type: 'TextBlock', text: s.title, weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: s.text, wrap: true },
          { type: 'TextBlock', text: answerer.sourceLine(s), isSubtle: true, size: 'Small', wrap: true },
        ],
      })),
    ],
  });
}

/** A question of a guided dialog, with its possible answers as buttons. */
export function renderPrompt(text: string, buttons: string[] = []): Partial<Activity> {
  const activity = buttons.length > 0 ? MessageFactory.suggestedActions(buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'expectingInput';
  return activity;
}
