import { describe, expect, it } from 'vitest';
import { ConversationState, MemoryStorage, type Activity } from 'botbuilder-core';
import { DialogTestClient } from 'botbuilder-testing';
import type { Dialog } from 'botbuilder-dialogs';
import { AcademyDialog } from '../dialogs/academy-dialog.ts';
import { AfterExamDialog } from '../dialogs/after-exam-dialog.ts';
import { ExamDialog } from '../dialogs/exam-dialog.ts';
import { Acceptors } from '../dialogs/prompts.ts';
import { RegistrationDialog } from '../dialogs/registration-dialog.ts';
import type { ConversationMemory, DialogServices } from '../dialogs/services.ts';
import { folded, testAssistant, TODAY, visible } from './helpers.ts';

/**
 * Each guided dialog alone, driven by botbuilder-testing's DialogTestClient as in BotBuilder-Samples'
 * core-bot: a table of turns, what the learner says and what the replies must (and must not) show.
 * What happens around a dialog (menu, side questions, feedback typed) is in dialogs.test.ts, with the
 * whole bot.
 */
const assistant = testAssistant();

function client(make: (s: DialogServices) => Dialog, options?: unknown): DialogTestClient {
  const state = new ConversationState(new MemoryStorage());
  const s: DialogServices = {
    router: assistant.router,
    answerer: assistant.answerer,
    understander: assistant.understander,
    acceptors: new Acceptors(assistant.understander, assistant.answerer.conversation, () => TODAY),
    clock: () => TODAY,
    memory: state.createProperty<ConversationMemory>('memory'),
  };
  return new DialogTestClient('test', make(s), options, [], state);
}

/** Everything the bot replied to one message. */
async function turn(c: DialogTestClient, text: string): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  // DialogTestClient types its first reply `any`; it is the same Partial<Activity> as the next ones.
  for (let r = (await c.sendActivity(text)) as Partial<Activity> | undefined; r; r = c.getNextReply()) replies.push(r);
  return replies;
}

interface Step {
  says: string;
  shows?: RegExp[];
  hides?: RegExp[];
  replies?: number;
}

/** Plays a table of turns; each reply is compared folded (lower case, no accents), buttons included. */
async function play(c: DialogTestClient, steps: Step[]): Promise<Partial<Activity>[]> {
  let last: Partial<Activity>[] = [];
  for (const step of steps) {
    last = await turn(c, step.says);
    const seen = folded(last.map(visible).join('\n'));
    for (const re of step.shows ?? []) expect(seen, `« ${step.says} » → ${seen}`).toMatch(re);
    for (const re of step.hides ?? []) expect(seen, `« ${step.says} » → ${seen}`).not.toMatch(re);
    if (step.replies !== undefined) expect(last, `« ${step.says} »`).toHaveLength(step.replies);
  }
  return last;
}

const registration = () => client((s) => new RegistrationDialog(s));
const afterExam = () => client((s) => new AfterExamDialog(s));

describe('registration dialog: one summary at the end', () => {
  it('ends with ONE message: dates, académie, cost and steps, each with its source, and one feedback control', async () => {
    const c = registration();
    const [summary] = await play(c, [
      { says: "je veux m'inscrire", shows: [/avez-vous termine votre formation/] },
      { says: 'oui', shows: [/quand l'avez-vous terminee/] },
      // No facts in between: the place is asked at once.
      { says: 'juin 2026', shows: [/dans quel departement/], hides: [/source/], replies: 1 },
      { says: 'saint etienne', replies: 1 },
    ]);
    const text = summary!.text!;
    expect(text).toMatch(/^Votre inscription, en résumé/);
    // Each part says where it comes from; the académie comes from the directory, not the sheet.
    expect(text).toContain(
      "Vos dates — Fin de votre formation : en juin 2026. Inscription : dès maintenant, à l'automne 2026",
    );
    expect(text).toContain('Examen : en juin 2027');
    expect(text).toMatch(
      /Votre académie — Pour Saint-Étienne \(Loire\), vous dépendez de l'académie de Lyon \(rectorat à Lyon\)[^\n]*\(Source : Modalités de sanction, §2 ; Annuaire des académies, ministère de l'Éducation nationale\)/,
    );
    expect(text).toMatch(/Le coût — [^\n]*5,00 €[^\n]*\(Source : Modalités de sanction, §2\)/);
    expect(text).toMatch(
      /Qui fait l'inscription — [^\n]*MonCompteFormation[^\n]*\(Source : Modalités de sanction, introduction\)/,
    );
    expect(text).not.toContain('Cette réponse vous a-t-elle aidé');
    const buttons = summary!.suggestedActions!.actions.map((a) => a.title);
    // At most three follow-ups, then « Menu », then the one feedback control.
    expect(buttons.slice(-3)).toEqual(['Menu', '👍 Utile', '👎 Pas utile']);
    expect(buttons.length).toBeLessThanOrEqual(6);
    // The card for Teams and Web Chat says the same, part by part.
    const card = summary!.attachments!.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')!;
    const body = JSON.stringify(card.content);
    for (const part of [
      'Vos dates',
      'Votre académie',
      'Le coût',
      'Votre statut',
      "Qui fait l'inscription",
      'Annuaire des académies',
    ])
      expect(body).toContain(part);
    expect(c.dialogTurnResult.status).toBe('complete');
  });

  it("echoes places in the directory's spelling, not as typed", async () => {
    for (const [typed, echoed] of [
      ['saint etienne', 'Pour Saint-Étienne (Loire)'],
      ['lyon', 'Pour Lyon (Rhône)'],
      ['971', 'rectorat aux Abymes'],
      ['72', 'Sarthe (72)'],
    ] as const) {
      const [summary] = await play(registration(), [
        { says: "je veux m'inscrire" },
        { says: 'oui' },
        { says: 'juin 2026' },
        { says: typed },
      ]);
      expect(summary!.text).toContain(echoed);
    }
  });

  it('asks back when the date contradicts « finished » or « not yet », once', async () => {
    await play(registration(), [
      { says: "je veux m'inscrire" },
      { says: 'pas encore' },
      {
        says: 'juin 2025',
        shows: [/n'etait pas terminee, mais juin 2025, c'est deja passe/],
        hides: [/dans quel departement/],
      },
      { says: 'mars 2027', shows: [/dans quel departement/] },
      { says: '69', shows: [/fin de votre formation : en mars 2027/, /automne 2027/] },
    ]);
    await play(registration(), [
      { says: "je veux m'inscrire" },
      { says: 'oui' },
      { says: 'le 15 décembre 2026', shows: [/etait terminee, mais 15 decembre 2026, ce n'est pas encore passe/] },
      { says: 'le 15 novembre 2026', shows: [/dans quel departement/] },
    ]);
  });

  it('« je ne sais pas » skips a question and says what still holds, inventing no date or place', async () => {
    await play(registration(), [
      { says: "je veux m'inscrire" },
      { says: 'oui' },
      { says: 'je ne sais pas', shows: [/dans quel departement/] },
      {
        says: 'je ne sais pas',
        replies: 1,
        // Not « Fin de votre formation : le 26 novembre 2026 » (today): no end date was given.
        hides: [/fin de votre formation/, /votre academie —/],
        shows: [
          /votre inscription, en resume/,
          /une fois par an, a l'automne/,
          /sans votre departement, je ne peux pas nommer votre academie/,
          /5,00/,
        ],
      },
    ]);
  });
});

describe('after-exam dialog', () => {
  it.each([
    // The grade and its date in one answer to the grade question.
    ['12 en juin 2025', [/felicitations/, /juin 2030/], [/quelle note/, /quelle date/]],
    ['12/20 en juin 2025', [/felicitations/, /juin 2030/], [/quelle date/]],
    // A failing grade: nothing to keep valid; the threshold and the next registration.
    ['8', [/pas atteinte/, /au moins 10/, /automne 2026/], [/toujours valable/, /valable 5 ans/, /felicitations/]],
    ['9,5', [/pas atteinte/], [/toujours valable/, /valable 5 ans/]],
    // « je ne sais pas »: what holds whatever the grade, without asking it again.
    ['je ne sais pas', [/superieure ou egale a 10/], [/quelle note/]],
  ])('at the grade question, « %s »', async (says, shows, hides) => {
    await play(afterExam(), [
      { says: "Après l'examen", shows: [/quelle note/] },
      { says, shows, hides },
    ]);
  });

  it('a result « obtained » on a date still to come is asked again, once', async () => {
    await play(afterExam(), [
      { says: "Après l'examen" },
      { says: '14', shows: [/quelle date/] },
      { says: 'juin 2027', shows: [/obtenu en juin 2027, ce serait encore a venir/], hides: [/valable/] },
      { says: 'juin 2026', shows: [/felicitations/, /juin 2031/] },
    ]);
  });
});

describe('académie dialog', () => {
  it('names the place as the directory writes it, with the directory as source; « je ne sais pas » says what still holds', async () => {
    await play(
      client((s) => new AcademyDialog(s)),
      [
        { says: 'Mon académie', shows: [/domicile/], hides: [/👍/, /\[menu\]/] },
        {
          says: 'guadeloupe',
          shows: [/rectorat aux abymes/, /annuaire des academies/],
          hides: [/rectorat a les abymes/],
        },
      ],
    );
    await play(
      client((s) => new AcademyDialog(s)),
      [
        { says: 'Mon académie' },
        { says: 'je ne sais pas', shows: [/sans votre departement/, /en ligne, ou bien sur place/] },
      ],
    );
  });
});

describe('exam dialog', () => {
  it('gives the exam in one summary with its sources', async () => {
    const [summary] = await play(
      client((s) => new ExamDialog(s)),
      [{ says: "L'épreuve", replies: 1, shows: [/2 h 30/, /juin 2027/, /§3/, /§2/] }],
    );
    expect(summary!.suggestedActions!.actions.filter((a) => a.title.startsWith('👍'))).toHaveLength(1);
  });
});
