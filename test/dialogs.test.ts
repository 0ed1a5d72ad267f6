import { describe, expect, it } from 'vitest';
import { Conversation, folded, testAssistant, TODAY, visible } from './helpers.ts';
import type { Understanding } from '../intents/nlu/understand.ts';
import { replyTraceOf } from '../dialogs/reply-trace.ts';

// Facts that must never appear in a reply to an off-topic question.
const FACTS = /2 ?h ?30|rectorat|\bjuin\b|automne|5 ans|\bjury\b|5,00|candidat libre|\becrite?\b/;

describe('welcome', () => {
  it('greets a learner who joins, once per conversation', async () => {
    const c = new Conversation();
    const first = await c.join();
    expect(first).toHaveLength(1);
    expect(folded(visible(first[0]!))).toContain('assistant');
    expect(first[0]!.suggestedActions?.actions.length).toBeGreaterThanOrEqual(3);
    expect(await c.join()).toHaveLength(0);
  });

  it('does not greet afterwards a learner who wrote first', async () => {
    const c = new Conversation();
    await c.say('combien coute l inscription');
    expect(await c.join()).toHaveLength(0);
  });
});

describe('free questions', () => {
  it('answers shortly, with its source and follow-up buttons', async () => {
    const c = new Conversation();
    const replies = await c.say("Combien de temps dure l'épreuve ?");
    expect(replies).toHaveLength(1);
    const reply = replies[0]!;
    expect(folded(reply.text!)).toMatch(/2 h 30/);
    expect(reply.text).toContain('Source : Modalités de sanction, §3');
    const buttons = reply.suggestedActions!.actions.map((a) => a.title);
    expect(buttons.length).toBeGreaterThanOrEqual(3);
    expect(buttons).toContain('Plus de détails');
  });

  it('shows the exact sentence of the sheet on "Plus de détails"', async () => {
    const c = new Conversation();
    await c.say('c koi le prix de l inscription');
    const details = await c.ask('Plus de détails');
    expect(details).toContain("selon l'academie, l'inscription peut etre gratuite ou bien payante");
    expect(details).toContain('§2');
  });

  it('answers a follow-up button by its entry', async () => {
    const c = new Conversation();
    const reply = await c.ask('Quelle note faut-il pour réussir ?');
    expect(reply).toMatch(/superieure ou egale a 10/);
    expect(reply).toContain('§4');
  });

  it('computes the June session from the end of the training', async () => {
    const c = new Conversation();
    const reply = await c.ask("Je finis ma formation en mai 2027, quand est-ce que je passe l'examen ?");
    expect(reply).toContain('juin 2028');
    expect(reply).toContain('automne 2027');
  });

  it('computes how long a result stays valid from a one-shot question', async () => {
    const c = new Conversation();
    const reply = await c.ask("J'ai eu 14/20 en juin 2026, c'est valable jusqu'à quand ?");
    expect(reply).toContain('juin 2031');
    expect(reply).toContain('toujours valable');
  });

  it('tells a learner below the pass mark what it means, without congratulating', async () => {
    const c = new Conversation();
    const reply = await c.ask("J'ai eu 7/20, j'ai quoi ?");
    expect(reply).toContain('10');
    expect(reply).not.toContain('felicitations');
    expect(reply).toContain('automne');
  });

  it('names the académie of a town given in the question', async () => {
    const c = new Conversation();
    const reply = await c.ask("j'habite a Rouen, je depends de quelle academie ?");
    expect(reply).toContain('normandie');
  });

  it('refuses an off-topic question politely, without asserting any fact', async () => {
    for (const q of ['Comment faire un gâteau au chocolat ?', 'Quelle est la capitale du Pérou ?']) {
      const c = new Conversation();
      const reply = await c.ask(q);
      expect(reply).toContain('pas sur');
      expect(reply).not.toMatch(FACTS);
      expect(reply).toContain("[m'inscrire a l'examen]");
    }
  });

  it('asks "Vouliez-vous dire" with both readings when two intents are close', () => {
    const { router } = testAssistant();
    const u: Understanding = {
      text: 'examen',
      intent: 'duree_epreuve',
      confidence: 0.45,
      status: 'ambiguous',
      corrections: [],
      entities: {},
      alternatives: [
        { intent: 'duree_epreuve', probability: 0.45 },
        { intent: 'session_examen', probability: 0.4 },
      ],
    };
    const route = router.routeUnderstanding(u, TODAY);
    expect(route.type).toBe('answer');
    if (route.type !== 'answer') return;
    expect(route.answer.kind).toBe('clarify');
    expect(route.answer.text).toContain('Vouliez-vous dire');
    // Both readings, and a way out when neither is right.
    expect(route.answer.buttons).toEqual([
      "Combien de temps dure l'épreuve ?",
      'Quand ont lieu les examens ?',
      'Autre chose',
    ]);
  });
});

describe('registration dialog', () => {
  it('guides from the end of training to the académie, answering a question on the way', async () => {
    const c = new Conversation();
    expect(await c.ask("Je veux m'inscrire à l'examen")).toContain('avez-vous termine votre formation');
    expect(await c.ask('oui')).toContain("quand l'avez-vous terminee");

    // A factual question in the middle: answered, then the dialog asks again where it was.
    const interruption = await c.ask("Combien de temps dure l'épreuve ?");
    expect(interruption).toContain('2 h 30');
    expect(interruption).toContain('reprenons');
    expect(interruption).toContain("quand l'avez-vous terminee");

    expect(await c.ask('juin 2026')).toContain('dans quel departement');

    // One summary at the end: dates, académie, cost and the steps.
    const summary = await c.say('59000');
    expect(summary).toHaveLength(1);
    const text = folded(visible(summary[0]!));
    for (const fact of ['juin 2027', 'lille', '5,00', 'candidat libre', 'moncompteformation', 'forme progressive'])
      expect(text).toContain(fact);
  });

  it('re-asks when the date is not understood, and "annuler" leaves the dialog', async () => {
    const c = new Conversation();
    await c.say("aidez moi a m'inscrire");
    await c.say('pas encore');
    expect(await c.ask('bientot je pense')).toContain("je n'ai pas reconnu de date");
    expect(await c.ask('annuler')).toContain("on s'arrete la");
    // After cancelling, a free question is answered normally.
    expect(await c.ask('qui est le certificateur ?')).toContain('ministere');
  });

  it('"aide" explains and asks the pending question again', async () => {
    const c = new Conversation();
    await c.say("je veux m'inscrire");
    const help = await c.ask('aide');
    expect(help).toContain('annuler');
    expect(help).toContain('avez-vous termine votre formation');
  });

  it('asked how to register, answers the steps with their sources and offers to guide', async () => {
    for (const q of [
      "comment je fais pour m'inscrire ?",
      "quelles sont les étapes pour s'inscrire ?",
      "cmt on s'inscrit",
    ]) {
      const c = new Conversation();
      const [reply] = await c.say(q);
      const text = folded(reply!.text!);
      expect(text).toContain('moncompteformation');
      expect(text).toContain('en ligne');
      expect(text).toContain('candidat libre');
      expect(text).toMatch(/§2/);
      expect(reply!.suggestedActions!.actions.map((a) => a.title)).toContain("M'inscrire à l'examen");
    }
  });

  it('asked to be guided, starts the dialog without asking again what the learner said', async () => {
    expect(await new Conversation().ask('aidez-moi à faire mon inscription')).toContain(
      'avez-vous termine votre formation',
    );
    const c = new Conversation();
    const asked = await c.ask("g fini la formation, je veux m'inscrire");
    expect(asked).not.toContain('avez-vous termine votre formation');
    expect(asked).toContain("quand l'avez-vous terminee");
    expect(await c.ask('en septembre')).toContain('dans quel departement');
    const plan = await c.ask('69');
    expect(plan).toContain('septembre 2026');
    expect(plan).toContain('juin 2027');
  });
});

describe('after-exam dialog', () => {
  it('asks the grade, then the date, then computes the validity', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    expect(await c.ask("Après l'examen")).toContain('quelle note');
    expect(await c.ask('12,5')).toContain('quelle date');
    const result = await c.ask('3 juillet 2024');
    expect(result).toContain('felicitations');
    expect(result).toContain('3 juillet 2029');
    expect(result).toContain('recteur');
  });

  it('asks again for an impossible grade', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    expect(await c.ask('25')).toContain('note sur 20');
  });

  it('"recommencer" starts over', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    const restart = await c.ask('recommencer');
    expect(restart).toContain('reparti de zero');
    expect(await c.ask('12')).not.toContain('felicitations');
  });
});

describe('académie dialog', () => {
  it('asks where the learner lives and names the académie and rectorat', async () => {
    const c = new Conversation();
    const ask = await c.ask('Mon académie');
    expect(ask).toContain('domicile');
    const answer = await c.ask('93');
    expect(answer).toContain('creteil');
    expect(answer).toContain('§2');
  });
});

describe('links', () => {
  it('never shows a link that is not configured, and shows configured ones as buttons', async () => {
    const without = new Conversation();
    const r1 = await without.say('Avez-vous un tutoriel pour Cyclades ?');
    expect(r1[0]!.attachments ?? []).toHaveLength(0);
    expect(folded(r1[0]!.text!)).toContain("n'est pas configure");

    const withLink = new Conversation(
      testAssistant({ links: { LINK_CYCLADES_TUTORIAL_URL: 'https://example.org/tuto' } }),
    );
    const r2 = await withLink.say('Avez-vous un tutoriel pour Cyclades ?');
    expect(visible(r2[0]!)).toContain('<Voir le tutoriel Cyclades|https://example.org/tuto>');
  });

  it("quotes the sheet's placeholder links as words, never as a link that goes nowhere", async () => {
    for (const q of ["où s'inscrire ?", 'Avez-vous un tutoriel pour Cyclades ?']) {
      const c = new Conversation();
      await c.say(q);
      const [details] = await c.say('Plus de détails');
      expect(details!.text).not.toMatch(/\]\(#?\)|\]\(/);
      expect(folded(details!.text!)).toContain('demandez-la a votre organisme de formation');
    }
    const c = new Conversation(testAssistant({ links: { LINK_CYCLADES_TUTORIAL_URL: 'https://example.org/tuto' } }));
    await c.say('Avez-vous un tutoriel pour Cyclades ?');
    const [details] = await c.say('Plus de détails');
    expect(details!.text).not.toContain('](');
    expect(details!.text).not.toContain("n'est pas configurée");
    expect(visible(details!)).toContain('|https://example.org/tuto>');
  });
});

describe('a way to a person', () => {
  it.each([
    'je veux parler à un humain',
    'comment contacter mon formateur ?',
    "je peux parler avec un conseiller pour l'examen ?",
    'contact',
  ])('« %s » → the training centre, never an address of its own', async (text) => {
    const r = await new Conversation().say(text);
    expect(r).toHaveLength(1);
    expect(folded(r[0]!.text!)).toContain('votre organisme de formation');
    expect(r[0]!.text!).not.toMatch(/@|https?:|\d{2} \d{2} \d{2}/);
    expect(r[0]!.text!).not.toMatch(FACTS);
  });

  it('gives the configured e-mail, phone and page', async () => {
    const c = new Conversation(
      testAssistant({
        contact: { email: 'examens@centre.example', phone: '01 23 45 67 89', url: 'https://centre.example/contact' },
      }),
    );
    const r = await c.say('je voudrais parler à une personne svp');
    expect(visible(r[0]!)).toContain('examens@centre.example');
    expect(visible(r[0]!)).toContain('01 23 45 67 89');
    expect(visible(r[0]!)).toContain('|https://centre.example/contact>');
  });

  it('is offered by the fallback', async () => {
    const r = await new Conversation().say('blablabla xyz');
    expect(folded(r[0]!.text!)).toContain('parler a une personne');
  });

  it('does not leave a guided dialog: its question comes back', async () => {
    const c = new Conversation();
    await c.say("je veux m'inscrire à l'examen");
    const r = await c.say('je veux parler à un conseiller');
    expect(folded(r.map((a) => a.text).join(' '))).toContain('votre organisme de formation');
    expect(folded(r[r.length - 1]!.text!)).toContain('termine votre formation');
  });
});

describe('« supprimer mes données »', () => {
  it('confirms, and forgets what the conversation remembered (a follow-up no longer has a subject)', async () => {
    const c = new Conversation();
    await c.say("j'ai eu 12 en juin 2025");
    const r = await c.say('supprimer mes données');
    expect(folded(r[0]!.text!)).toContain('efface');
    const after = await c.say("c'est valable jusqu'à quand ?");
    expect(after[0]!.text!).not.toContain('2030');
  });

  it('and the welcome says how long messages are kept and how to erase them', async () => {
    const c = new Conversation(testAssistant({ retentionDays: 90 }));
    const w = await c.join();
    expect(folded(w[0]!.text!)).toContain('conserves 90 jours');
    expect(folded(w[0]!.text!)).toContain('supprimer mes donnees');
    expect(w[0]!.text).not.toContain('](');
  });

  it('with ORG_PRIVACY_URL, the same line links to the privacy page', async () => {
    const c = new Conversation(
      testAssistant({ retentionDays: 90, privacyUrl: 'https://centre.example/confidentialite' }),
    );
    const [w] = await c.join();
    const line = w!.text!.split(/(?<=\.) /).find((s) => s.includes('90 jours'))!;
    expect(line).toMatch(
      /conservés 90 jours pour améliorer les réponses \(\[[^\]]+\]\(https:\/\/centre\.example\/confidentialite\)\) ; écrivez « supprimer mes données »/,
    );
  });
});

describe('robustness', () => {
  it('a turn that throws gets an apology and a clean state', async () => {
    const { TestAdapter } = await import('botbuilder-core');
    const { pino } = await import('pino');
    const { turnErrorHandler } = await import('../src/turn-error.ts');
    const assistant = testAssistant();
    const adapter = new TestAdapter(async (context) => assistant.bot.run(context));
    adapter.onTurnError = turnErrorHandler(assistant, pino({ level: 'silent' }));
    await adapter.send("Après l'examen").startTest(); // now waiting for a grade
    const original = assistant.answerer.grade.bind(assistant.answerer);
    assistant.answerer.grade = () => {
      throw new Error('boom');
    };
    adapter.activeQueue.splice(0);
    await adapter.processActivity('8');
    const apology = adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
    expect(folded(apology.map((a) => a.text).join(' '))).toContain('probleme technique');
    assistant.answerer.grade = original;
    // The broken dialog is gone: the next message is routed afresh, not read as a grade.
    await adapter.processActivity('Combien coûte l’inscription ?');
    const next = adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
    expect(next[0]!.text).toContain('5,00 €');
  });

  it('reads a Teams @mention message like the plain question', async () => {
    const c = new Conversation(testAssistant(), 'msteams');
    await c.adapter.processActivity({
      type: 'message',
      text: "<at>Assistant BTS</at> combien dure l'épreuve ?",
      entities: [{ type: 'mention', mentioned: c.adapter.conversation.bot, text: '<at>Assistant BTS</at>' }],
    });
    const replies = c.adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
    expect(replies[0]!.text).toContain('2 h 30');
  });

  it('answers an empty or whitespace message politely', async () => {
    const c = new Conversation();
    const reply = await c.ask('   ');
    expect(reply).toContain('pas sur');
  });
});

describe('registration dialog shortcuts', () => {
  it('takes the date from "oui, en juin 2026" without asking for it', async () => {
    const c = new Conversation();
    await c.say("je veux m'inscrire");
    expect(await c.ask("oui j'ai fini en juin 2026")).toContain('dans quel departement');
    expect(await c.ask('Lyon')).toContain('juin 2027');
  });
});

describe('answers enriched by a place', () => {
  it('a cost question naming a town also names its académie', async () => {
    const c = new Conversation();
    const reply = await c.ask("combien coute l'inscription si j'habite a Marseille ?");
    expect(reply).toContain('5,00');
    expect(reply).toContain("academie d'aix-marseille");
  });
  it("« mon adresse » tells where the learner lives: the académie is answered, not refused as the rectorat's address", async () => {
    const reply = await new Conversation().ask(
      'voici mon adresse : 4 rue Victor Hugo 31000 Toulouse, je dépends de quel rectorat ?',
    );
    expect(reply).toContain('academie de toulouse');
    expect(reply).not.toContain('ne precise pas');
  });
  it('where to register, once the learner said where they live, names their rectorat (here a vice-rectorat); the cost there does not', async () => {
    const c = new Conversation();
    await c.ask("j'ai suivi la formation à distance depuis Papeete, je peux passer l'examen ?");
    const where = await c.ask('Auprès de quel service dois-je effectuer mon inscription ?');
    expect(where).toContain('en ligne');
    expect(where).toContain('vice-rectorat de polynesie francaise (a papeete)');
    expect(await c.ask("et c'est gratuit là-bas ?")).not.toContain('vice-rectorat');
  });
});

describe('website join event', () => {
  it('greets on webchat/join, and not again on membersAdded', async () => {
    const c = new Conversation();
    await c.adapter.processActivity({ type: 'event', name: 'webchat/join', value: {} });
    const first = c.adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
    expect(first).toHaveLength(1);
    expect(await c.join()).toHaveLength(0);
  });
});

describe('feedback after an answer', () => {
  it('is a control on the answer (👍 / 👎 buttons), not a sentence in it; thanks for 👍, asks what was missing after 👎', async () => {
    const c = new Conversation();
    const answer = (await c.say('combien coute l inscription'))[0]!;
    expect(answer.text).not.toMatch(/aidé \?/);
    expect(answer.suggestedActions!.actions.map((a) => a.title)).toEqual(
      expect.arrayContaining(['👍 Utile', '👎 Pas utile']),
    );
    const up = (await c.say('👍 Utile'))[0]!;
    expect(up.text).toContain('Merci pour votre retour');
    expect(replyTraceOf(up)).toMatchObject({ feedback: 'up', entryId: 'registration-cost' });

    expect(await c.ask('👎 Pas utile')).toContain("qu'est-ce qui manquait");
    expect(await c.ask("je voulais savoir si c'est remboursé")).toContain('votre remarque sera lue');
  });

  it('after 👎, a new question is answered and the comment is never asked again; "oui" in a dialog is still a yes', async () => {
    const c = new Conversation();
    await c.say('combien coute l inscription');
    await c.say('👎');
    const reply = await c.ask("combien dure l'épreuve ?");
    expect(reply).toContain('2 h 30');
    expect(reply).not.toContain("qu'est-ce qui manquait");
    expect(await c.ask('quelle note faut-il ?')).not.toContain("qu'est-ce qui manquait");

    await c.say("je veux m'inscrire");
    expect(await c.ask('oui')).toContain("quand l'avez-vous terminee");
  });
});

describe('a guided dialog never loops', () => {
  it('answers a side question the sheet does not cover, then asks again', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    const side = await c.ask("j'ai droit à un tiers-temps ?");
    expect(side).toContain('ne precise pas');
    expect(side).toContain('reprenons');
    expect(side).toContain('quelle note');
  });

  it('leaves the dialog at the second message it cannot read, and says so', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    expect(await c.ask('bof')).toContain('indiquez votre note');
    const left = await c.ask('euh bah chais plus trop');
    expect(left).toContain('je laisse cette question de cote');
    // The next message is a fresh question, not an answer to the abandoned prompt.
    expect(await c.ask('12')).not.toContain('felicitations');
  });

  it('a menu button pressed during a dialog starts that dialog', async () => {
    const c = new Conversation();
    await c.say("Je veux m'inscrire à l'examen");
    expect(await c.ask("Après l'examen")).toContain('quelle note');
  });
});

describe('past months in guided dialogs', () => {
  it('a finished training « en septembre » ended last September', async () => {
    const c = new Conversation();
    await c.say("Je veux m'inscrire à l'examen");
    await c.say('Oui');
    await c.say('en septembre');
    const plan = await c.ask('75');
    expect(plan).toContain('septembre 2026');
    expect(plan).not.toContain('septembre 2027');
  });

  it('a result obtained « en juillet » was obtained last July', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    await c.say('14');
    const result = await c.ask('en juillet');
    expect(result).toContain('juillet 2026');
    expect(result).toContain('juillet 2031');
  });
});

describe('one clear answer at a time', () => {
  it('at most 3 follow-up buttons, then « Menu » and the feedback control, after every answer', async () => {
    for (const q of [
      "Combien de temps dure l'épreuve ?",
      "quand s'inscrire ?",
      "j'habite à Lille, quel rectorat ?",
      "j'ai eu 14/20 en juin 2026, c'est valable jusqu'à quand ?",
      "combien ça coûte et c'est quand ?",
    ]) {
      const replies = await new Conversation().say(q);
      expect(replies, q).toHaveLength(1);
      const titles = replies[0]!.suggestedActions!.actions.map((a) => a.title);
      expect(titles.slice(-3), q).toEqual(['Menu', '👍 Utile', '👎 Pas utile']);
      expect(titles.length - 3, q).toBeLessThanOrEqual(3);
      expect(replies[0]!.text, q).not.toMatch(/aidé \?/);
    }
  });

  it('« menu » typed after an answer gives the topics', async () => {
    const c = new Conversation();
    for (const q of [
      "Combien de temps dure l'épreuve ?",
      'Plus de détails',
      'je veux parler à un conseiller',
      'blabla xyz',
    ]) {
      await c.say(q);
      const [menu] = await c.say('menu');
      expect(
        menu!.suggestedActions!.actions.map((a) => a.title),
        q,
      ).toContain("M'inscrire à l'examen");
    }
  });

  it('« menu » during a guided dialog says the dialog was left', async () => {
    const c = new Conversation();
    await c.say("je veux m'inscrire");
    await c.say('oui');
    expect(await c.ask('menu')).toContain("je laisse de cote l'inscription guidee");
    // The question it asked no longer waits: « juin 2026 » is a new message.
    expect(await c.ask('juin 2026')).not.toContain('dans quel departement');
  });

  it('a side question at a prompt is answered, then the prompt is asked again', async () => {
    const c = new Conversation();
    await c.say("Après l'examen");
    const side = await c.ask("c'est quoi le rectorat ?");
    expect(side).toContain("rectorat de l'academie dont vous dependez");
    expect(side).toContain('reprenons');
    expect(side).toContain('quelle note');
    expect(await c.ask('12 en juin 2025')).toContain('juin 2030');
  });

  it('« oui » / « non » typed right after an answer is its feedback; not after anything else', async () => {
    const c = new Conversation();
    await c.say("Combien de temps dure l'épreuve ?");
    const [up] = await c.say('oui');
    expect(up!.text).toContain('Merci pour votre retour');
    expect(replyTraceOf(up!)).toMatchObject({ feedback: 'up', entryId: 'exam-duration' });

    await c.say('combien coute l inscription');
    expect(await c.ask('non')).toContain("qu'est-ce qui manquait");
    expect(await c.ask('passer')).toContain('merci pour votre retour');

    // After the welcome (no answer to judge), « oui » is no feedback.
    const d = new Conversation();
    await d.join();
    expect(await d.ask('oui')).not.toContain('merci pour votre retour');
  });
});

describe('the summary on each channel', () => {
  const register = async (channel: string) => {
    const c = new Conversation(undefined, channel);
    for (const t of ["je veux m'inscrire", 'oui', 'juin 2026']) await c.say(t);
    return c.say('Saint-Étienne');
  };

  it('Web Chat: one Adaptive Card, no duplicate text bubble, the buttons below it', async () => {
    const replies = await register('webchat');
    expect(replies).toHaveLength(1);
    const [a] = replies;
    expect(a!.text ?? '').toBe('');
    expect(a!.attachments!.map((x) => x.contentType)).toEqual(['application/vnd.microsoft.card.adaptive']);
    expect(JSON.stringify(a!.attachments![0]!.content)).toContain('Annuaire des académies');
    expect(a!.suggestedActions!.actions.map((x) => x.title).filter((t) => /👍|👎/.test(t))).toHaveLength(2);
  });

  it('Teams: one Adaptive Card holding every button (Teams hides suggested actions in groups), the feedback once', async () => {
    const [a] = await register('msteams');
    expect(a!.suggestedActions).toBeUndefined();
    expect(a!.attachments).toHaveLength(1);
    const card = a!.attachments![0]!.content as {
      actions: { type: string; title: string; data: { msteams: { type: string; value: string } } }[];
    };
    const titles = card.actions.map((x) => x.title);
    expect(titles.filter((t) => t.startsWith('👍'))).toHaveLength(1);
    expect(titles).toContain('Menu');
    expect(
      card.actions.every(
        (x) => x.type === 'Action.Submit' && x.data.msteams.type === 'imBack' && x.data.msteams.value === x.title,
      ),
    ).toBe(true);
  });

  it('other channels: the plain text, each part with its source', async () => {
    const [a] = await register('telegram');
    expect(a!.attachments ?? []).toHaveLength(0);
    expect(a!.text).toContain('Votre académie — Pour Saint-Étienne (Loire)');
    expect(a!.text).toContain('(Source : Modalités de sanction, §2 ; Annuaire des académies');
  });
});

describe('« Vouliez-vous dire… » keeps what the learner said', () => {
  it('the option chosen is answered with the grade and date of the message, right after only', async () => {
    const c = new Conversation();
    const [clarify] = await c.say('moi 14/20 juin 2025');
    expect(clarify!.text).toContain('Vouliez-vous dire');
    const validity = clarify!.suggestedActions!.actions.map((a) => a.title).find((o) => /valable/.test(o))!;
    // Computed from the message's date (the plain button gives only « 5 ans à compter de… »).
    expect(await c.ask(validity)).toMatch(/juin 2030/);

    // Later, the same button is the plain question.
    const d = new Conversation();
    await d.say('moi 14/20 juin 2025');
    await d.say("combien dure l'épreuve ?");
    expect(await d.ask(validity)).not.toContain('2030');
  });
});

describe('yes/no answers', () => {
  it('never two « Oui. » in one bubble: the second same verdict says « Oui, là aussi : »', async () => {
    for (const q of ["c'est écrit ? et c'est en juin ?", "l'exam est en juin ? et l'inscription à l'automne ?"]) {
      const [reply] = await new Conversation().say(q);
      expect(reply!.text!.match(/(^|\n)Oui\./g), q).toHaveLength(1);
      expect(reply!.text, q).toMatch(/^Oui\. /);
      expect(reply!.text, q).toMatch(/\n\nOui, là aussi : l(es|')/);
    }
  });
});

describe('a result « obtained » on a date still to come', () => {
  it.each(["j'ai eu 12 en juin 2027, c'est valable jusqu'à quand ?", "12/20 en juin 2027, valable jusqu'à quand ?"])(
    '« %s » is asked back, not computed',
    async (q) => {
      const c = new Conversation();
      const asked = await c.ask(q);
      expect(asked).toContain('obtenu en juin 2027, ce serait encore a venir');
      expect(asked).not.toMatch(/toujours valable|felicitations|2032/);
      expect(await c.ask('juin 2026')).toContain('juin 2031');
    },
  );

  it('a hypothesis without a grade is computed (« si je passe en juin 2027… »)', async () => {
    expect(await new Conversation().ask("si je passe en juin 2027, ma note tient jusqu'à quand ?")).toContain('2032');
  });
});

describe('yes/no answers checked against what the sheet says', () => {
  it.each([
    // A stated amount other than the sheet's 5,00 €, or « forcément » where it depends on the académie.
    ["l'inscription coûte 50 € ?", /^non\. .*5,00/],
    ["c'est forcément gratuit l'inscription ?", /^non\. .*depend/],
    // A moment asked about, against the computed end of validity (June 2029).
    [
      'Mon bloc obtenu en juin 2024 sera-t-il encore valable en septembre 2029 ?',
      /^non\. .*juin 2029.*en septembre 2029, il ne le sera plus/,
    ],
    ['obtenu en juin 2024, encore valable en mai 2029 ?', /^oui\. .*en mai 2029, il le sera encore/],
    // So many years ahead, against the validity in years — « dans 6 ans » is not when it was obtained.
    ['si je réussis le bloc 4 et que je passe le reste du BTS dans 6 ans, ça compte encore ?', /^non\. .*5 ans/],
    ['ma note compte encore dans 3 ans ?', /^oui\. .*5 ans/],
    // « c'est mort … ou quoi » asks whether all is lost: the sheet allows it, so « Non ».
    ["frr jsuis a distance depuis le debut c mort pour l'exam ou quoi", /^non\. .*distance/],
  ])('« %s »', async (q, expected) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/2032|2031/);
  });
});

describe('a grade the learner supposes', () => {
  it('is answered with what it would give, without congratulations or remembering it', async () => {
    const c = new Conversation();
    const reply = await c.ask('avec 10 pile on valide ?');
    expect(reply).toMatch(/^oui\. avec 10\/20, la note requise est atteinte/);
    expect(reply).not.toMatch(/felicitations/);
    // Not the learner's own grade: a later validity question is not computed from it.
    expect(await c.ask("c'est valable combien de temps ?")).not.toMatch(/avec 10/);
  });

  it('below the threshold, says so and when to register next', async () => {
    expect(await new Conversation().ask("avec 9,5 j'ai quand même mon attestation ?")).toMatch(
      /^non\. avec 9,5\/20, la note requise n'est pas atteinte.*reinscrire/,
    );
  });

  it("a grade reported (« j'ai raté avec 7 », « validé avec 14 ») is the learner's own", async () => {
    expect(await new Conversation().ask("j'ai raté avec 7")).toMatch(/avec 7\/20, la note requise n'est pas atteinte/);
    expect(await new Conversation().ask("validé en juin 2025 avec 14, ça tient jusqu'à quand ?")).toMatch(
      /felicitations.*juin 2030/,
    );
  });
});

describe("the training's documents and the Recteur's attestation", () => {
  it.each([
    "l'attestation du recteur et l'attestation pdf du centre, c'est quoi la différence",
    "l'attestation de réussite du centre et l'attestation du recteur, c'est pareil ?",
    "l'attestation du recteur et celle du centre de formation, j'en reçois deux alors ?",
  ])('both, when compared: « %s »', async (q) => {
    const [reply] = await new Conversation().say(q);
    expect(replyTraceOf(reply!)?.entryIds).toEqual(expect.arrayContaining(['training-documents', 'exam-attestation']));
    // « c'est pareil ? » compares: no « Oui » that would say they are the same.
    expect(folded(reply!.text ?? '')).not.toMatch(/^(oui|non)\b/);
  });

  it.each([
    ["l'attestation de réussite du centre c'est mon diplôme officiel ?", /^non\. a la fin de la formation/],
    [
      "g eu mon attestation pdf de fin de formation, du coup g plus besoin de passer l'exam c ça ?",
      /^non\. a la fin de la formation/,
    ],
    ["les certificats de compétences on les a après l'examen ?", /^non\. a la fin de la formation/],
    ["c'est le ministère de l'éducation nationale qui certifie ?", /^non\. .*enseignement superieur/],
  ])('« %s » is about what the sheet says of it', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it('losing a document is not in the sheet: the training centre is named, no fact stated', async () => {
    const c = new Conversation();
    await c.say('A la fin de la formation je recois un certificat ?');
    const reply = await c.ask('et si je le perds ?');
    expect(reply).toMatch(/ne precise pas .*perte d'un document.*organisme de formation/);
    expect(reply).not.toMatch(/^oui|pdf/);
  });
});

describe('a deadline asked, or a registration period missed', () => {
  it.each([
    "Il reste combien de temps pour s'inscrire ? on est fin novembre, je panique",
    "j'ai raté l'automne 😭 il se passe quoi maintenant",
  ])('« %s » gets the registration period, computed from today', async (q) => {
    const [reply] = await new Conversation().say(q);
    expect(replyTraceOf(reply!)?.entryIds ?? [replyTraceOf(reply!)?.entryId]).toContain('registration-period');
    expect(folded(reply!.text ?? '')).toMatch(/a l'automne 2026/);
  });

  it('whether a late registration is accepted is not in the sheet', async () => {
    expect(await new Conversation().ask('inscription hors delai possible ?')).toMatch(/ne precise pas/);
  });

  it('a manager cannot register their team: each learner registers', async () => {
    expect(
      await new Conversation().ask(
        "on est 6 dans l'équipe, est-ce que je peux inscrire tout le monde d'un coup en tant que responsable ?",
      ),
    ).toMatch(/^non\. c'est a vous, le stagiaire/);
  });
});

describe('near-domain questions the sheet does not answer (knowledge/not-covered.yaml)', () => {
  it.each([
    ["l'examen de juin 2027 c'est le 12 ou le 19 ?", 'la date precise'],
    ['y a des frais si je me désiste ?', "l'annulation d'une inscription ni le desistement"],
    ['mes vendeurs ont 17 ans, ils peuvent s’inscrire ?', "les conditions d'age"],
    ['je dois m’habiller comment pour passer devant le jury', 'ce point precis'],
    ['mon CPF a été débité de 1200 €, c’est normal ?', 'le financement'],
  ])('« %s » says what the sheet does not say, states no fact', async (q, about) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toContain(`ne precise pas ${about}`);
    expect(reply).not.toMatch(FACTS);
    expect(reply).not.toMatch(/^(oui|non)\b/);
  });

  it('a choice between two blocs is not a choice between two days', async () => {
    expect(await new Conversation().ask('le bloc concerné c’est lequel, le 3 ou le 4 ?')).toMatch(/bloc n°4/);
  });
});

describe('more claims checked against the sheet', () => {
  it.each([
    ["Bastia c'est l'académie de Nice ?", /^non\. pour bastia .*academie de corse/],
    [
      "je m'inscris juste sur mon compte formation et c'est bon ?",
      /^non\. en plus de l'inscription aupres du certificateur/,
    ],
    ["les resultats durent 5 ans a partir de l'inscription ?", /^non\. .*obtention/],
    ["Si j'ai obtenu 10 en juin 2026, mes résultats expirent-ils en 2030 ?", /^non\. .*juin 2031/],
    ['je comprend rien au site d inscription vous avez une video qui explique', /^oui\. .*tutoriel/],
    ["9,5... c'est foutu ? je fais comment pour la suite", /^oui\. avec 9,5\/20, la note requise n'est pas atteinte/],
  ])('« %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it.each([
    'jveux pas faire les autres epreuves du bts juste celle du management comment on fait',
    "c'est combien et c'est où qu'on s'inscrit",
    "Combien faut-il prévoir financièrement pour l'inscription à l'épreuve, s'il vous plaît ?",
  ])('« %s » is answered, not refused', async (q) => {
    expect(await new Conversation().ask(q)).not.toMatch(/ne precise pas|pas sur d'avoir compris/);
  });
});

describe('a grade in one question of a message does not swallow the others', () => {
  it("« j'ai eu 7, je me réinscris quand et je dois tout repasser le BTS ? » answers both", async () => {
    const reply = await new Conversation().ask(
      'jai eu 7 je suis degoutee, je me reinscris quand et je dois tout repasser le bts ?',
    );
    expect(reply).toMatch(/avec 7\/20, la note requise n'est pas atteinte/);
    expect(reply).toMatch(/uniquement les examens du bloc/);
  });

  it.each([
    ['apres le bts je pourrai faire une licence pro ?', "la poursuite d'etudes"],
    ['la note finale apparait sur mon espace CPF ?', 'la date de publication des resultats'],
    ['vous proposez une prepa intensive avant juin ?? jai deja rate une fois', 'la formation elle-meme'],
  ])('« %s » is not in the sheet', async (q, about) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toContain(`ne precise pas ${about}`);
    expect(reply).not.toMatch(FACTS);
  });
});

describe('someone else named', () => {
  it("« c'est Pôle emploi qui certifie ? » is a closed question about the certifier: Non", async () => {
    expect(await new Conversation().ask("c'est pole emploi qui certifie la formation ?")).toMatch(
      /^non\. le certificateur est le ministere/,
    );
  });

  it('a parent registering their child is told who registers, no guided registration starts', async () => {
    const reply = await new Conversation().ask("je voudrais inscrire ma fille à l'examen, comment faire ?");
    expect(reply).toMatch(/c'est a vous, le stagiaire, de vous inscrire/);
    expect(reply).not.toMatch(/avez-vous termine votre formation/);
  });
});

describe('« et après ? » after a sentence telling what was done', () => {
  it('« ok je me suis inscrite. et après ? » gets the next step: the exam session', async () => {
    const c = new Conversation();
    await c.say('je viens de finir la formation, jdois faire quoi maintenant ?');
    const [reply] = await c.say('ok je me suis inscrite. et après ?');
    expect(replyTraceOf(reply!)?.entryId).toBe('exam-session');
  });
});

describe('a pass is the bloc, not the whole BTS', () => {
  it("« j'ai eu 11 donc j'ai le BTS complet maintenant ? » gets Non with the bloc's attestation", async () => {
    const reply = await new Conversation().ask("j'ai eu 11 donc j'ai le BTS complet maintenant ?");
    expect(reply).toMatch(/^non\. .*attestation/);
    expect(reply).not.toMatch(/ne precise pas/);
  });

  it('a grade named in words with « j’ai mon bloc ? » still gets Oui', async () => {
    expect(await new Conversation().ask("avec onze sur vingt j'ai mon bloc ?")).toMatch(/^oui\./);
  });
});

describe('what a sixteenth development set taught (each reply checked against the sheet)', () => {
  it.each([
    // The question's own intent answers it: the whole BTS is not required (« Oui »).
    ['je peux passer juste le bloc 4 sans faire le BTS en entier ?', /^oui\. .*uniquement/],
    // A requirement the sheet contradicts, said negated and asked to be confirmed.
    ["on n'est pas obligé de faire tout le BTS, c'est bien ça ?", /^oui\. .*uniquement/],
    ["l'épreuve n'est pas à l'oral hein ?", /^non\. .*ecrite/],
    // Two clauses about the cost: the one that checks an amount gives the verdict.
    ["frais d'inscription au rectorat ?? un pote m'a dit 50 balles, sérieux ?", /^non\. .*5,00/],
    // Passing the bloc gives an attestation, not a diploma.
    ["j'aurai un diplôme après le bloc 4 ?", /^non\. .*attestation/],
    // Going there in person is not required: where one registers, not which académie.
    ['je suis obligé de me déplacer au rectorat ?', /^non\. .*en ligne/],
    // « en 24 » is 2024 when told in the past; the full year after it is the moment asked about.
    ['validé en 24, toujours bon en 2028 ?', /^oui\. obtenu en juin 2024.*juin 2029.*en 2028, il le sera encore/],
    // A result to come: its validity has not started.
    ['si je passe en juin 2027 mon résultat expire quand', /juin 2032 : ce delai ne commencera qu'a l'obtention/],
    // « pile la moyenne » is 10; supposed, it gets what it would give without congratulations.
    ['avec la moyenne pile on valide ?', /^oui\. avec 10\/20, la note requise est atteinte/],
  ])('« %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it.each([
    ["heure de l'exam ?", /ne precise pas .*l'heure/],
    ["l'épreuve commence à 8h ou à 14h ?", /ne precise pas .*l'heure/],
    ['ça passe sur mon CPF ? il me reste genre 800 €', /ne precise pas le financement/],
    ['on a un badge numérique / open badge à la fin ?', /ne precise pas la forme de l'attestation/],
    ['les candidats libres ont du contrôle continu ou pas ?', /ne precise pas la facon dont l'epreuve est notee/],
  ])('« %s » is not in the sheet: no exam fact', async (q, expected) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/2 h 30|^oui|^non|source :/);
  });

  it('« l’épreuve dure 2h ou 4h ? » still gets the duration', async () => {
    expect(await new Conversation().ask("l'épreuve dure 2h ou 4h ?")).toMatch(/2 h 30/);
  });

  it('a refused question naming nothing keeps the conversation on the previous answer', async () => {
    const c = new Conversation();
    await c.ask("c'est quel diplôme au final ?");
    expect(await c.ask("c'est reconnu à l'étranger ?")).toMatch(/ne precise pas/);
    expect(await c.ask("et c'est délivré par qui ?")).toMatch(/ministere de l'enseignement superieur/);
  });

  it.each([
    // Home is where the learner moved to, not a place named later nor the académie they believe in.
    [
      "J'ai déménagé de Lille à Rennes en septembre. Pour l'inscription je dépends de quelle académie maintenant ? J'ai fait toute ma formation quand j'étais encore dans le Nord.",
      /academie de rennes/,
    ],
    [
      "j'ai déménagé de Lyon à Grenoble en août, je reste rattaché à l'académie de Lyon ?",
      /^non\. .*academie de grenoble/,
    ],
    // Results told as received are the learner's own; « et maintenant il se passe quoi ? » is what follows.
    [
      "Bonsoir, résultats reçus : 12 sur 20 au CCP manager l'équipe commerciale. Et maintenant il se passe quoi ?",
      /^felicitations ! avec 12\/20(?![\s\S]*2 h 30)/,
    ],
  ])('« %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it('a new home after the académie of the old one: whether it changes', async () => {
    const c = new Conversation();
    expect(await c.ask('je suis à Tourcoing, académie ?')).toMatch(/academie de lille/);
    expect(await c.ask("ah en fait j'ai déménagé à Paris la semaine dernière, ça change ?")).toMatch(
      /^oui\. .*academie de paris/,
    );
  });

  it('a remembered date is when it was obtained; a year to come is when validity is checked', async () => {
    const c = new Conversation();
    expect(await c.ask("j'ai eu 12 sur 20 en 24")).toMatch(/obtenu en juin 2024.*juin 2029/);
    expect(await c.ask("je l'ai toujours en 2030 ?")).toMatch(
      /^non\. obtenu en juin 2024.*en 2030, il ne le sera plus/,
    );
  });
});

describe('what a seventeenth development set taught', () => {
  it.each([
    ['certifieur ?', /ministere de l'enseignement superieur/],
    ['j ai 9 et demi sa passe ?', /^non\. avec 9,5\/20/],
    ['19/20 au bloc manager 😎 jreçois quoi', /^felicitations ! avec 19\/20/],
    // Dictation writes « c'est » as « sait ».
    ['sait le centre qui organise l examen', /^non\. .*rectorat/],
    ['pour l inscription je coche quel mode : global ou progressif ?', /forme progressive/],
    // Whose job it is: the learner registers, not the CFA.
    ["mon cfa m a dit qu'ils s'occupaient de tout pour l'exam c vrai??", /^non\. c'est a vous/],
    // Where registering happens is not where the exam does.
    ["ca se passe ou l'inscription en ligne, vous avez le lien", /inscrire en ligne/],
    // « juste … la partie management »: the whole BTS mentioned is not asked about; the negation told before
    // the question is not the question's (« Oui », not « Si »).
    [
      "je n'ai pas de bts complet en vue, je voulais juste valider la partie management c'est possible",
      /^oui\. .*uniquement/,
    ],
    ["on n'a pas besoin de passer par moncompteformation ?", /^si\. /],
    // « et où … ? » asks where, even after « et »; the place said gives the académie.
    ["Et où mon apprenti doit-il s'inscrire, il habite à Caen ?", /academie de normandie/],
    // SMS question words cut questions too; « dans quel délai » asks when.
    ["on s'inscrit qd, c'est ou, et faut payer ?", /automne[\s\S]*en ligne[\s\S]*5,00/],
    [
      "Faut-il s'inscrire aussi sur MonCompteFormation, et dans quel délai après la formation ?",
      /^oui\. [\s\S]*des que vous terminez votre formation/,
    ],
    // No deadline in the sheet: the period it gives, computed from today.
    ["Quelle est la date limite pour m'inscrire ?", /une fois par an, a l'automne/],
  ])('« %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it.each([
    ['y a t il une deuxieme session en septembre si je rate juin', /ne precise pas le nombre de tentatives/],
    ['le jury donne un avis ecrit avec la note ou juste la note', /ne precise pas la facon dont l'epreuve est notee/],
    ["et sur cyclades le champ 'établissement de formation' je mets quoi ?", /ne precise pas/],
    ["Quelle est l'adresse exacte de ce rectorat d'Orléans-Tours ?", /ne precise pas l'adresse/],
    ["Bonjour, la date limite d'inscription de cet automne est-elle déjà passée ?", /ne precise pas/],
  ])('« %s » is not in the sheet', async (q, expected) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/^oui|^non|source :/);
  });

  it('« j ai 2 enfants » is no grade', async () => {
    expect(await new Conversation().ask("j ai 2 enfants, je peux m'inscrire ?")).not.toMatch(/2\/20/);
  });
});

describe('what an eighteenth and a nineteenth development set taught', () => {
  it.each([
    // Options listed after an open question keep it open (no « Non »); QCM among them asks the format.
    ["c'est quoi l'examen, un oral, un QCM, un dossier ?", /^le ccp .* epreuve ecrite/],
    // A choice that names the right answer is answered, not refused as another bloc or diploma.
    ['bloc 3 ou bloc 4, je ne sais plus lequel est le management', /^le bloc de competences concerne est le bloc n°4/],
    [
      "c'est le BTS NDRC ou le MCO, lequel correspond à ma formation ?",
      /^la formation prepare au bts management commercial/,
    ],
    // « … une vraie certification ou juste une feuille de présence. » then a remark: a choice, no « Oui ».
    [
      'Mon collègue se demande si la formation mène à une vraie certification ou seulement à une feuille de présence. Il attend ma réponse.',
      /^la formation est sanctionnee par le passage d'une certification/,
    ],
    // Money asked without « prix »: a budget, fees « à prévoir », « combien je paie ».
    ["faut-il prévoir un budget pour l'inscription à l'examen ?", /cela depend de l'academie/],
    ['combien je paie pour mon inscription ?', /5,00/],
    ['la inscripcion es gratis o hay que pagar ?', /cela depend de l'academie/],
    // Hours blocked for the exam day ask its duration; a month to take leave asks its session.
    ["combien d'heures je dois prévoir de bloquer le jour J pour l'épreuve ?", /2 h 30/],
    ["je dois poser mes congés en quel mois pour l'examen ?", /juin/],
    // A job as context is not a question about careers.
    ["dans le cadre de mon emploi j'ai suivi la formation, je m'inscris sous quel statut ?", /candidat libre/],
    // A month told before a « comment » question dates the situation; the question is how.
    ["Ma formation finit en février. Comment je m'inscris à l'examen ? Merci", /inscrire en ligne/],
    // Two-digit years after a month; a year told before a bare month is its year.
    ["j'ai eu 15 sur 20 en juin 24, c'est valable jusqu'à quand ?", /juin 2029/],
    ["ma note de 2023 (11/20, obtenue en juin), elle tient jusqu'à quand ?", /juin 2028/],
    // A future end of training is the next such month.
    ['ma formation se termine en février, je m inscris quand ?', /fevrier 2027/],
    ['tengo 12 en el examen, es bueno ?', /felicitations ! avec 12\/20/],
    // Voice dictation: the question mark said aloud; « conte » heard for « compte ».
    [
      "j'ai mon attestation de réussite en PDF est-ce que c'est ça mon BTS point d'interrogation",
      /^non\. a la fin de la formation/,
    ],
    ["je dois aussi m'inscrire sur mon conte formation point d'interrogation", /^oui\. .*moncompteformation/],
    // A remark after the question mark leaves the question closed.
    ["l'examen c'est en mars ? un ami m'a dit 03/2027", /^non\. les examens ont lieu dans le courant du mois de juin/],
    // « pas à l'aise avec l'ordinateur » is why one asks to register in person, not a question on exam rules.
    [
      "je suis pas à l'aise avec l'ordinateur, je peux m'inscrire directement au rectorat ?",
      /^oui\. vous pouvez vous inscrire en ligne, ou bien sur place/,
    ],
    // Five euros in some académies is what the sheet says; « où c'est gratuit » is a relative « où ».
    ['dans certaines académies il y a 5 euros de frais ?', /^oui\. cela depend de l'academie/],
    ["il y a des académies où c'est gratuit, c'est vrai ?", /^oui\. cela depend de l'academie/],
    // A rumour on the format and the duration at once: one answer (the format's states the duration), « Non ».
    [
      "on m'a raconté que l'épreuve est un oral de 15 minutes, c'est vrai ?",
      /^non\. [\s\S]*(2 h 30[\s\S]*ecrite|ecrite[\s\S]*2 h 30)/,
    ],
  ])('« %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it.each([
    ['si je déménage entre mon inscription et le passage de l’examen, je change de rectorat ?', /demenagez/],
    [
      "Je risque d'être hospitalisée en juin. Si je ne peux pas venir à l'épreuve, que se passe-t-il ?",
      /ne precise pas/,
    ],
    ['mes résultats je les vois où, sur Cyclades ?', /ne precise pas la date de publication des resultats/],
    [
      'il a manqué deux semaines de cours, il aura quand même ses certificats ou il faut un minimum de présence ?',
      /ne precise pas la formation elle-meme/,
    ],
    ["mon entreprise peut régler les frais d'inscription pour moi ?", /ne precise pas le financement/],
    ['si je rate deux fois, il y a une limite ?', /ne precise pas le nombre de tentatives/],
    ["c'est long à traiter une inscription ? combien de jours avant la confirmation", /ne precise pas/],
    ["mon CFA doit me libérer pour l'épreuve ?", /ne precise pas les demarches aupres de votre employeur/],
    ["le BTS est un diplôme d'État ?", /ne precise pas/],
    ["mon cpf couvre les frais d'inscription ?", /ne precise pas le financement/],
  ])('« %s » is not in the sheet', async (q, expected) => {
    const reply = await new Conversation().ask(q);
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/^oui|^non|source :/);
  });

  it('a learner who corrects the town they live in gets the new académie', async () => {
    const c = new Conversation();
    await c.ask("j'habite à Lille, je dépends de quelle académie ?");
    expect(await c.ask("pardon je me suis trompé, j'habite à Angers en fait, ça change quelque chose ?")).toMatch(
      /academie de nantes/,
    );
  });

  it('a typed « @assistant » mention is not a word of the question; a month told next completes the result', async () => {
    const c = new Conversation();
    expect(
      await c.ask('@assistant bonjour\nrésultat reçu ce matin : 14/20 au CCP, ça veut dire quoi pour moi ?'),
    ).toMatch(/^felicitations ! avec 14\/20/);
    expect(await c.ask("c'était la session de juin 2024, j'étais encore à Lyon à l'époque")).toMatch(/juin 2029/);
  });

  it('a grade corrected in the next message replaces the first one', async () => {
    const c = new Conversation();
    await c.ask("j'ai eu 7,5 à l'écrit de juin dernier");
    expect(await c.ask('pardon je voulais dire 17,5 pas 7,5, faute de frappe')).toMatch(
      /^felicitations ! avec 17,5\/20/,
    );
  });

  it('the académie of a place is said once beside where and how much', async () => {
    const reply = await new Conversation().ask("j'habite à Nice, je m'inscris où et ça coûte combien ?");
    expect(reply.match(/academie de nice/g)).toHaveLength(1);
    expect(reply).toMatch(/5,00/);
  });

  it.each([
    [
      'Bonsoir, je terminerai la formation en avril prochain.',
      /^fin de votre formation : en avril 2027\. inscription : a l'automne 2027/,
    ],
    ['jsuis en alternance, g fini la formation avant-hier', /^fin de votre formation : /],
  ])('the end of the training told without a question gets what comes next: « %s »', async (q, expected) => {
    expect(await new Conversation().ask(q)).toMatch(expected);
  });

  it('keywords and « vous avez un tuto … » ask too, beside another question', async () => {
    expect(await new Conversation().ask("tuto cyclades + lien pour s'inscrire stp")).toMatch(
      /tutoriel[\s\S]*inscrire en ligne/,
    );
    expect(
      await new Conversation().ask("je dois m'inscrire moi-même ? et vous avez un tuto cyclades, je suis perdue"),
    ).toMatch(/^oui\. c'est a vous[\s\S]*tutoriel/);
  });

  it("one's own grade gets what it means beside a question the sheet does not answer", async () => {
    const reply = await new Conversation().ask(
      "j'ai eu 8/20 je suis dégoûtée, je peux faire un recours ? et je me réinscris quand ?",
    );
    expect(reply).toMatch(/^avec 8\/20, la note requise n'est pas atteinte/);
    expect(reply).toMatch(/ne precise pas la contestation d'une note/);
  });

  it("« l'épreuve de juin » dates the exam; the question is its format", async () => {
    expect(await new Conversation().ask("j'espère que l'épreuve de juin c'est un entretien ?")).toMatch(
      /^non\. le ccp .* epreuve ecrite/,
    );
  });

  it('a diploma one has, told as context, is not a question about other diplomas', async () => {
    expect(
      await new Conversation().ask(
        "j'ai un bac pro vente et je voudrais seulement valider la partie management sans tout le BTS, c'est possible ?",
      ),
    ).toMatch(/^oui\. .*uniquement/);
    expect(await new Conversation().ask('après le BTS je peux faire une licence ?')).toMatch(/ne precise pas/);
  });

  it('« attestation de réussite » alone names two documents: both are told apart', async () => {
    const reply = await new Conversation().ask("l'attestation de réussite, je la reçois quand ?");
    expect(reply).toMatch(/a la fin de la formation[\s\S]*recteur de l'academie/);
    expect(reply).not.toMatch(/^(oui|non)/);
  });

  it('« up » in Teams gets a prompt for the question, no exam fact', async () => {
    const reply = await new Conversation().ask('up');
    expect(reply).toMatch(/quelle est votre question/);
    expect(reply).not.toMatch(/source :/);
  });

  it('« je retente quand ? » after a failed grade asks when to register again', async () => {
    const c = new Conversation();
    await c.ask("j'ai eu 8 à l'examen");
    expect(await c.ask('je retente quand ?')).toMatch(/automne/);
  });
});
