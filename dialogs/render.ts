import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder-core';
import type { Answer, Answerer } from '../knowledge/answers.ts';

/**
 * Turns a channel-free Answer into a Bot Framework message: the text with its source line, follow-up
 * questions as suggested actions (buttons that send their label), and configured links as a card.
 */
export function renderAnswer(answer: Answer, answerer: Answerer): Partial<Activity> {
  const source = answerer.sourceLine(answer);
  const text = source ? `${answer.text}\n\n${source}` : answer.text;
  const activity = answer.buttons.length > 0 ? MessageFactory.suggestedActions(answer.buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'acceptingInput';
  if (answer.links.length > 0) {
    const buttons: CardAction[] = answer.links.map((l) => ({ type: ActionTypes.OpenUrl, title: l.label, value: l.url }));
    activity.attachments = [CardFactory.heroCard('', undefined, buttons)];
  }
  // Kept with the message for transcripts: which entry and sections the answer rests on.
  activity.channelData = {
    ...(activity.channelData ?? {}),
    answer: { kind: answer.kind, entryId: answer.entryId, sources: answer.sources.map((s) => s.section), ...(answer.trace ?? {}) },
  };
  return activity;
}

/** A question of a guided dialog, with its possible answers as buttons. */
export function renderPrompt(text: string, buttons: string[] = []): Partial<Activity> {
  const activity = buttons.length > 0 ? MessageFactory.suggestedActions(buttons, text) : MessageFactory.text(text);
  activity.inputHint = 'expectingInput';
  return activity;
}
