import { ActionTypes, CardFactory, type Activity, type Attachment, type CardAction } from 'botbuilder-core';

/** Channels that render Adaptive Cards: a summary is sent there as its card, elsewhere as plain text. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/**
 * Shapes a reply for the channel it goes to.
 * - A summary (an Adaptive Card beside the same words in plain text): the card alone where cards are
 *   shown — one bubble, not the text and the card — and the plain text alone elsewhere (the terminal, SMS…).
 * - Teams shows suggested actions only in personal chats, never in group chats or channels: there the
 *   buttons go into the summary's card (Action.Submit as imBack) or into a hero card (imBack buttons send
 *   their label, like a typed message).
 */
export function adaptForChannel(channelId: string | undefined, activity: Partial<Activity>): Partial<Activity> {
  const card = activity.attachments?.find((a) => a.contentType === ADAPTIVE);
  let shaped = activity;
  if (card) {
    if (CARD_CHANNELS.has(channelId ?? '')) {
      // The card carries the words (its `speak` and `fallbackText` too).
      const { text: _text, ...rest } = activity;
      shaped = rest;
    } else {
      shaped = { ...activity, attachments: activity.attachments!.filter((a) => a !== card) };
      if (shaped.attachments!.length === 0) delete shaped.attachments;
    }
  }
  if (channelId !== 'msteams' || !shaped.suggestedActions?.actions?.length) return shaped;
  const titles = shaped.suggestedActions.actions.map((a) => ({ title: a.title, value: String(a.value) }));
  const { suggestedActions: _dropped, ...rest } = shaped;
  if (card) {
    const content = card.content as { actions?: unknown[] };
    const withActions: Attachment = {
      ...card,
      content: {
        ...content,
        actions: [
          ...(content.actions ?? []),
          ...titles.map((t) => ({
            type: 'Action.Submit',
            title: t.title,
            data: { msteams: { type: 'imBack', value: t.value } },
          })),
        ],
      },
    };
    return { ...rest, attachments: rest.attachments!.map((a) => (a === card ? withActions : a)) };
  }
  const buttons: CardAction[] = titles.map((t) => ({ type: ActionTypes.ImBack, title: t.title, value: t.value }));
  return { ...rest, attachments: [CardFactory.heroCard('', undefined, buttons), ...(rest.attachments ?? [])] };
}
