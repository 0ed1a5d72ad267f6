import { describe, expect, it } from 'vitest';
import { TestAdapter, type Activity } from 'botbuilder-core';
import { folded, testAssistant, visible } from './helpers.ts';

type Kind = 'personal' | 'groupChat' | 'channel';

/** A Teams-shaped conversation: channel msteams, 29:/28: ids, tenant, conversation type. */
function teams(kind: Kind = 'personal') {
  const assistant = testAssistant();
  const adapter = new TestAdapter(async (context) => assistant.bot.run(context), {
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    conversation: {
      id: `a:teams-${kind}-${Math.random()}`,
      conversationType: kind,
      tenantId: 'tenant-1',
      isGroup: kind !== 'personal',
    },
    recipient: { id: '28:assistant', name: 'Assistant BTS' },
  } as never);
  // The template's fields win over the activity's (TestAdapter), so the sender is set here: another
  // member of a group chat may speak.
  const learner = { id: '29:learner', name: 'Apprenant', aadObjectId: '00000000-0000-0000-0000-00000000000a' };
  const send = async (partial: Partial<Activity>) => {
    await adapter.processActivity({ channelData: { tenant: { id: 'tenant-1' } }, from: learner, ...partial });
    return adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
  };
  const mention = (text: string) =>
    send({
      type: 'message',
      text: `<at>Assistant BTS</at> ${text}`,
      entities: [
        { type: 'mention', mentioned: { id: '28:assistant', name: 'Assistant BTS' }, text: '<at>Assistant BTS</at>' },
      ],
    });
  return { send, mention, say: (text: string) => send({ type: 'message', text }) };
}

const all = (replies: Partial<Activity>[]) => folded(replies.map(visible).join('\n'));

describe('Microsoft Teams', () => {
  for (const kind of ['personal', 'groupChat', 'channel'] as const) {
    it(`a mention-prefixed question gets the plain question's answer (${kind})`, async () => {
      const plain = await teams(kind).say("combien dure l'épreuve ?");
      const mentioned = await teams(kind).mention("combien dure l'épreuve ?");
      expect(mentioned.map((a) => a.text)).toEqual(plain.map((a) => a.text));
      expect(mentioned[0]!.text).toContain('2 h 30');
    });
  }

  it('puts buttons in a card, since Teams hides suggested actions outside personal chats', async () => {
    const replies = await teams('channel').mention('combien coute l inscription');
    expect(replies[0]!.suggestedActions).toBeUndefined();
    const card = replies[0]!.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.hero');
    const buttons = (card?.content as { buttons: { type: string; title: string; value: string }[] }).buttons;
    expect(buttons.map((b) => b.type)).toEqual(buttons.map(() => 'imBack'));
    expect(buttons.map((b) => b.title)).toContain('Plus de détails');
  });

  it('a card submit (value, no text) drives a dialog like typed text, prompts included', async () => {
    const t = teams('personal');
    const ask = await t.send({ type: 'message', value: { text: "Après l'examen" } });
    expect(all(ask)).toContain('quelle note');
    const result = await t.send({ type: 'message', value: { text: '8' } });
    expect(all(result)).toContain('au moins 10');
  });

  it('greets a team once when the bot is added, never when a user joins the team (point 2)', async () => {
    const t = teams('channel');
    const team = {
      tenant: { id: 'tenant-1' },
      team: { id: '19:general@thread.tacv2', name: 'BTS MCO' },
      eventType: 'teamMemberAdded',
    };
    const userJoins = await t.send({
      type: 'conversationUpdate',
      membersAdded: [{ id: '29:new-member', name: 'Nouveau' }],
      channelData: team,
    });
    expect(userJoins).toHaveLength(0);
    const botAdded = await t.send({
      type: 'conversationUpdate',
      membersAdded: [{ id: '28:assistant', name: 'Assistant BTS' }],
      channelData: team,
    });
    expect(botAdded).toHaveLength(1);
    expect(all(botAdded)).toContain('assistant');
    const anotherJoins = await t.send({
      type: 'conversationUpdate',
      membersAdded: [{ id: '29:other', name: 'Autre' }],
      channelData: team,
    });
    expect(anotherJoins).toHaveLength(0);
  });

  it('greets again after a re-install: add, remove, add (point 4)', async () => {
    const t = teams('personal');
    const bot = [{ id: '28:assistant', name: 'Assistant BTS' }];
    expect(await t.send({ type: 'installationUpdate', action: 'add' })).toHaveLength(1);
    expect(await t.send({ type: 'conversationUpdate', membersAdded: bot })).toHaveLength(0);
    expect(await t.send({ type: 'installationUpdate', action: 'remove' })).toHaveLength(0);
    expect(await t.send({ type: 'conversationUpdate', membersRemoved: bot })).toHaveLength(0);
    const again = await t.send({ type: 'conversationUpdate', membersAdded: bot });
    expect(again).toHaveLength(1);
    expect(all(again)).toContain('assistant');
    expect(await t.send({ type: 'installationUpdate', action: 'add' })).toHaveLength(0);
  });

  it('in a group chat, a guided dialog belongs to whoever started it; others are answered on their own (point 6)', async () => {
    const t = teams('groupChat');
    const bob = { id: '29:bob', name: 'Bob', aadObjectId: '00000000-0000-0000-0000-00000000000b' };
    expect(all(await t.mention("je veux m'inscrire"))).toContain('avez-vous termine votre formation');
    // Bob's « Pas encore » does not answer the question asked to the learner who opened the dialog.
    const fromBob = await t.send({ type: 'message', text: 'Pas encore', from: bob });
    expect(all(fromBob)).not.toContain('quand se termine-t-elle');
    const bobAsks = await t.send({ type: 'message', text: "combien dure l'épreuve ?", from: bob });
    expect(all(bobAsks)).toContain('2 h 30');
    expect(all(bobAsks)).not.toContain('avez-vous termine'); // no reprompt of someone else's dialog
    expect(all(await t.say('Pas encore'))).toContain('quand se termine-t-elle');
  });

  it('decodes HTML entities and strips Teams HTML before understanding (point 5)', async () => {
    const plain = all(await teams('personal').say("combien coûte l'examen ?"));
    expect(plain).toContain('5,00');
    for (const kind of ['personal', 'groupChat', 'channel'] as const) {
      const nbsp = await teams(kind).send({
        type: 'message',
        text: "<at>Assistant BTS</at>&nbsp;combien coûte l'examen ?",
        entities: [
          { type: 'mention', mentioned: { id: '28:assistant', name: 'Assistant BTS' }, text: '<at>Assistant BTS</at>' },
        ],
      });
      expect(all(nbsp), kind).toBe(plain);
    }
    expect(all(await teams('personal').say('c&#39;est quand l&#39;exam ?'))).toBe(
      all(await teams('personal').say("c'est quand l'exam ?")),
    );
    const html = await teams('channel').send({
      type: 'message',
      text: '<div><div><at>Assistant BTS</at>&nbsp;<span>combien co&ucirc;te l&#x27;examen&nbsp;?</span></div></div>',
      entities: [
        { type: 'mention', mentioned: { id: '28:assistant', name: 'Assistant BTS' }, text: '<at>Assistant BTS</at>' },
      ],
    });
    expect(all(html)).toBe(plain);
  });

  it('welcomes once on install, even when membersAdded follows', async () => {
    const t = teams('personal');
    const installed = await t.send({ type: 'installationUpdate', action: 'add' });
    expect(installed).toHaveLength(1);
    expect(all(installed)).toContain('assistant');
    const added = await t.send({ type: 'conversationUpdate', membersAdded: [{ id: '29:learner', name: 'Apprenant' }] });
    expect(added).toHaveLength(0);
  });
});
