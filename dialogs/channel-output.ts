import { ActionTypes, CardFactory, type Activity, type CardAction } from 'botbuilder-core';

/**
 * Teams shows suggested actions only in personal chats, and never in group chats or channels: there,
 * the buttons go into a hero card (imBack buttons send their label, like a typed message).
 */
export function adaptForChannel(channelId: string | undefined, activity: Partial<Activity>): Partial<Activity> {
  if (channelId !== 'msteams' || !activity.suggestedActions?.actions?.length) return activity;
  const buttons: CardAction[] = activity.suggestedActions.actions.map((a) => ({
    type: ActionTypes.ImBack,
    title: a.title,
    value: a.value,
  }));
  const linkCards = activity.attachments ?? [];
  const { suggestedActions: _dropped, ...rest } = activity;
  return { ...rest, attachments: [CardFactory.heroCard('', undefined, buttons), ...linkCards] };
}
