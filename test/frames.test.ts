import { join } from 'node:path';
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractDate } from '../intents/nlu/entities/date.ts';
import { extractGrade } from '../intents/nlu/entities/grade.ts';
import { INTENTS_DIR, loadUnderstander } from '../intents/nlu/load.ts';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { Conversation, TODAY, sharedUnderstander } from './helpers.ts';
import { replyTraceOf } from '../dialogs/reply-trace.ts';
import { tempDir } from './temp.ts';

/** Facts of the sheet a reply to a question the sheet does not answer must not state. */
const FACTS = /2 ?h ?30|rectorat|\bjuin\b|automne|5 ans|\bjury\b|5,00|candidat libre|\becrite?\b/;

/** What a reply answered: the knowledge entries of its messages. */
async function entries(c: Conversation, text: string): Promise<{ ids: string[]; text: string }> {
  const replies = await c.say(text);
  const ids = replies.flatMap((r) => {
    const a = replyTraceOf(r);
    return a?.entryIds ?? (a?.entryId ? [a.entryId] : []);
  });
  return { ids, text: replies.map((r) => r.text ?? '').join('\n') };
}

describe('frames: several questions in one message', () => {
  it.each([
    ["L'épreuve c'est à l'écrit ou à l'oral, et il faut combien pour l'avoir ?", ['exam-format', 'pass-grade']],
    [
      'combien de temps dure l epreuve et mon resultat reste valable combien d annees',
      ['exam-duration', 'results-validity'],
    ],
    // A list of questions separated by commas.
    [
      "l'épreuve c'est quoi exactement, combien de temps, et quelle note faut-il ?",
      ['exam-format', 'exam-duration', 'pass-grade'],
    ],
    ['quel ministère certifie ? quelle certification ?', ['certifier', 'certification']],
    // « de quelle certification s'agit-il » asks which diploma, not who certifies it.
    [
      "Bonjour, quel est le certificateur ? Et de quelle certification s'agit-il précisément ?",
      ['certifier', 'certification'],
    ],
    ["c'est quoi la certification, qui la délivre, et c'est quel bloc ?", ['certification', 'certifier', 'block']],
    // « par ailleurs, » between two questions asks nothing and does not glue them; « puis-je » is no « puis ».
    [
      'Existe-t-il un tutoriel Cyclades ? Par ailleurs, puis-je aller au rectorat pour m inscrire ?',
      ['cyclades-tutorial', 'registration-where'],
    ],
    ["ça dure combien l'épreuve / il y a un jury ?", ['exam-duration', 'exam-format']],

    [
      "Est-ce que je peux passer juste le bloc 4, et sous quel statut je m'inscris ?",
      ['only-block', 'registration-status'],
    ],
    // A list of noun phrases, each asking something precise of its own.
    [
      'trois questions svp : la durée de l épreuve, la note à avoir pour valider, le statut pour s inscrire',
      ['exam-duration', 'pass-grade', 'registration-status'],
    ],
    // The later clause takes up the subject its ask fits (the épreuve's date), not the jury it also named.
    [
      "l'épreuve se fait face à des examinateurs ? et elle tombe à quelle période de l'année ?",
      ['exam-format', 'exam-session'],
    ],
    // « à quel moment » after a comma is a question of its own.
    [
      "Bonjour, où dois-je m'inscrire, à quel moment, et combien cela coûte-t-il ?",
      ['registration-where', 'registration-period', 'registration-cost'],
    ],
  ])('« %s » → %j, each with its section', async (text, expected) => {
    const r = await entries(new Conversation(), text);
    for (const id of expected) expect(r.ids).toContain(id);
    expect(r.text).toMatch(/\(§\d\)[\s\S]*\(§\d\)/);
  });

  it('« et par qui » takes up what the first half was understood as: who certifies the certification', async () => {
    const r = await entries(new Conversation(), 'la formation est validée par quoi et par qui');
    expect(r.ids).toEqual(expect.arrayContaining(['sanction', 'certifier']));
    expect(r.text).toMatch(/\(introduction\)[\s\S]*\(§1\)/);
  });

  it('« en plus du rectorat » asks about the other registration: MonCompteFormation, with where to register', async () => {
    const r = await entries(new Conversation(), "à part le rectorat, faut s'inscrire sur quel autre site ?");
    expect(r.ids).toEqual(expect.arrayContaining(['moncompteformation']));
  });

  it("one's own grade in the message does not turn a clause asking the price into a grade question", async () => {
    const r = await entries(new Conversation(), 'g eu 8... je repasse quand ? et faut repayer ?');
    expect(r.text).toMatch(/Avec 8\/20/);
    expect(r.ids).toContain('registration-cost');
  });

  it('« on a quels papiers » at the end of the training asks what one receives, not which papers to provide', async () => {
    const r = await entries(new Conversation(), 'à la fin de la formation on a quels papiers ?');
    expect(r.ids).toContain('training-documents');
    expect(r.text).not.toMatch(/ne précise pas/);
  });

  it('a broad question gets both halves: the end of the training and the autumn period', async () => {
    const r = await entries(new Conversation(), "Quand faut-il que je m'inscrive à la certification ?");
    expect(r.ids).toEqual(expect.arrayContaining(['registration-timing', 'registration-period']));
  });

  it('whether the exam itself is taken online is not covered, even said after where to register', async () => {
    const c = new Conversation();
    await c.say("c'est où qu'on s'inscrit ?");
    const r = await entries(c, "et l'épreuve, elle aussi elle se passe en ligne ?");
    expect(r.ids).toEqual([]);
    expect(r.text).not.toMatch(/^Oui/);
  });

  it('answers the covered half and says the sheet does not cover the other', async () => {
    const r = await entries(new Conversation(), "ça coûte combien l'inscription ? et j'ai droit à un tiers-temps ?");
    expect(r.ids).toContain('registration-cost');
    expect(r.text).toMatch(/ne précise pas les aménagements/);
  });

  it('a pronoun taking up the subject of a question not covered asks its own question; a bare tail does not', async () => {
    const r = await entries(new Conversation(), "quel est le coefficient de l'épreuve et elle dure combien ?");
    expect(r.ids).toContain('exam-duration');
    expect(r.text).toMatch(/ne précise pas le règlement/);
    const tail = await entries(
      new Conversation(),
      'qui corrige les copies, vous savez ? et tu sais en combien de temps ?',
    );
    expect(tail.ids).toEqual([]);
    expect(tail.text).not.toMatch(FACTS);
  });

  it.each([
    // A whole clause with a precise ask is its own question after one the sheet does not answer.
    ["la calculatrice est autorisée ? et c'est un oral ou un écrit ?", 'exam-format', /ne précise pas le règlement/],
    // A question word asks, even about what the sheet does not cover: each half gets its own reply.
    [
      "c'est quoi le salaire d'un manager, et il faut quelle note pour valider ?",
      'pass-grade',
      /ne précise pas les débouchés/,
    ],
    [
      'je dois passer par moncompteformation ? et combien il me reste dessus ?',
      'moncompteformation',
      /ne précise pas le financement/,
    ],
    ["j'ai droit au dictionnaire ? et est-ce que c'est bien un écrit ?", 'exam-format', /ne précise pas le règlement/],
    [
      "le tiers-temps c'est possible ? et la durée normale c'est combien ?",
      'exam-duration',
      /ne précise pas les aménagements/,
    ],
    // Keywords typed in a hurry ask; the exam room is a place the sheet does not give.
    [
      "académie pour Albi (81) et la salle d'examen elle est où ?",
      'academy',
      /ne précise pas la date précise, l'heure, le lieu/,
    ],
  ])('« %s »: the covered half answered (%s), the other refused', async (text, id, refusal) => {
    const r = await entries(new Conversation(), text);
    expect(r.ids).toContain(id);
    expect(r.text).toMatch(refusal);
  });
});

describe('single questions as learners word them', () => {
  it.each([
    // A learner telling their own grade asks what it means.
    ["ma note c'est 9,5", 'exam-result', /9,5\/20, la note requise n'est pas atteinte/],
    // The « stage » learners end is the training, not an internship.
    ['attestation de fin de stage ?', 'training-documents', /fin de la formation/],
    ['mon résultat final 14', 'exam-result', /Avec 14\/20/],
    ['Bonjour, auprès de quel service dois-je effectuer mon inscription ?', 'registration-where', /en ligne/],
    ['inscription possible par internet ?', 'registration-where', /^Oui\./],
    // « quand » opens: the démarches are what is done, the épreuve why — the question is when.
    [
      "euh quand est ce que je dois faire les démarches d'inscription pour passer l'épreuve",
      'registration-timing',
      /Dès que vous terminez/,
    ],
    // A courtesy after a comma does not make an open question closed.
    [
      "Quel est le calendrier des inscriptions pour la certification, s'il vous plaît ?",
      'registration-timing',
      /^(?!Oui|Non)/,
    ],
    // Unnamed, a tutorial is « quelque chose pour m'expliquer pas à pas »; the « pas » of what one tells is no negation.
    [
      "je suis pas très douée avec l'ordinateur est ce qu'il existe quelque chose pour m'expliquer pas a pas comment on s'inscrit sur le site",
      'cyclades-tutorial',
      /^Oui\./,
    ],
    [
      "alors voilà moi j'ai pas le temps de faire tout le BTS MCO euh je veux juste passer la partie management d'équipe comment on fait",
      'only-block',
      /uniquement/,
    ],
    ["ça se passe comment l'épreuve est ce qu'on est devant des gens ou c'est sur papier", 'exam-format', /écrite/],
    // A « mode d'emploi » is no job.
    [
      "est-ce qu'il existe quelque chose pour nous montrer les étapes, une vidéo ou un mode d'emploi ?",
      'cyclades-tutorial',
      /tutoriel/,
    ],
  ])('« %s » → %s', async (text, id, pattern) => {
    const r = await entries(new Conversation(), text);
    expect(r.ids).toContain(id);
    expect(r.text).toMatch(pattern);
  });
});

describe('coverage: what the sheet does not answer gets no fact', () => {
  it.each([
    "Combien d'heures dure la formation ?",
    "j'ai droit à un tiers-temps ?",
    'je peux l avoir par une VAE ?',
    'le bloc 2 c est quand ?',
    'Quel est le coefficient de l’épreuve ?',
    'Les résultats sont publiés à quelle date ?',
    'Le BTS MCO est-il reconnu en Belgique ?',
    'je peux passer l exam en ligne ?',
    'vous êtes certifiés Qualiopi ?',
    'mon employeur sera prévenu de ma note ?',
    "je n'arrive plus à accéder à la plateforme de formation, mot de passe perdu",
    // A situation the sheet does not cover, said as context, leaves the question unanswered.
    "j'habite en Belgique, je dépends de quelle académie ?",
    "L'attestation du Recteur est-elle signée électroniquement ?",
    'on a droit au dico pendant l epreuve ?',
    // Where the exam takes place is not in the sheet (its format is).
    "où est l'examen ? dans quelle ville ?",
    // Another bloc's training, even beside the bloc 4.
    'après le bloc 4, vous proposez une formation pour le bloc 1 ?',
    'comment je prouve à mon employeur que je suis bien inscrite, il me demande un justificatif',
    // English, as international learners write it.
    'where is the exam ? in which school ?',
    'how many times can I retake the exam if I fail ?',
    'I live in Morocco now, I can pass the exam there ?',
    'correction des copies ça prend combien de temps ?',
    'il faut une adresse mail perso pour créer le compte cyclades ?',
    "l'attestation du recteur est envoyée automatiquement ou faut la demander ?",
    // « un deux et trois » is one list of blocs, not two questions.
    'et les blocs un deux et trois du BTS ils parlent de quoi ?',
    "l'épreuve on la fait seul ou en groupe ?",
    'mes notes je les consulte où, sur cyclades ?',
    'faut fournir un justificatif de domicile pour s inscrire ?',
    "c'est quoi le code RNCP du bloc ?",
    'une dérogation pour passer en septembre, ça existe ?',
    'je peux régler les frais par CB ?',
    'toujours pas reçu mon attestation, je relance qui ?',
    'ma boîte doit me libérer une journée pour l exam ?',
    // « c'est quoi le code ? » continues the question before it.
    "le bloc il est au RNCP ? c'est quoi le code ?",
    // Asking whether one may take other blocs is not settled by the sheet (only that this one can be taken alone).
    'je pourrais passer les autres blocs en même temps ?',
    'est-ce que le bloc 2 a lieu en juin lui aussi ?',
    "c'est quoi les modules de la formation ?",
    'qui sont les formateurs qui animent les modules ?',
    // The sentence before says what a short « est-ce possible ? » or « doit-il les prévenir ? » asks.
    "Mon collègue voudrait passer la VAE à la place. C'est possible avec cette formation ?",
    "Je touche le chômage via Pôle emploi. Dois-je les informer de la date de l'épreuve ?",
    'on me paiera combien de plus avec ce diplôme ?',
    'elle peut suivre la formation une deuxième fois si elle échoue ?',
    "c'est un diplôme bac+2 ou bac+3 ?",
    "est-ce que ma note sera indiquée sur l'attestation ?",
    "je n'ai pas le bac, je peux quand même m'inscrire ?",
    'comment savoir si mon inscription est bien enregistrée ?',
    // Another bloc taken as well, or the whole BTS by another way: not settled by what the sheet says of bloc 4.
    'je peux préparer le bloc 1 en même temps ?',
    'on peut avoir le BTS entier par la VAE ?',
    'y a une session de rattrapage en septembre ?',
    // Where the épreuve takes place, with a date asked after it: the place is not in the sheet.
    "l'épreuve elle a lieu où précisément ?",
    'vous avez l adresse postale du rectorat de Rennes ?',
    "le service des examens de l'académie est ouvert le samedi ?",
    "l'attestation de réussite en pdf du centre elle expire un jour",
    "ce BTS c'est quel niveau, bac+2 c'est bien ça",
    'le bloc est reconnu en Espagne ou seulement en France ?',
    // « et de fermeture » continues « les dates d'ouverture »: one question, not two.
    "les dates exactes d'ouverture et de fermeture des inscriptions ?",
    "ma fille n'a pas de garde le jour de l'examen, comment faire ?",
    'si on triche on est interdit d exam combien de temps ?',
    'je voudrais m inscrire depuis lespagne, comment faire',
    'y a un groupe whatsapp des candidats du bloc 4 ?',
  ])('« %s »', async (text) => {
    const r = await entries(new Conversation(), text);
    expect(r.ids).toEqual([]);
    expect(r.text).toContain('ne précise pas');
    expect(r.text).not.toMatch(FACTS);
    expect(r.text).not.toMatch(/^(Oui|Non)\b/);
  });

  it('validity questions are not mistaken for the publication date of results', async () => {
    const r = await entries(new Conversation(), 'mes résultats sont valables jusqu’à quand ?');
    expect(r.ids).toContain('results-validity');
  });
});

describe('yes/no questions get the verdict of the sheet', () => {
  it.each([
    ["c'est un oral ?", 'Non'],
    ["On m'a dit qu'il faut repasser tout le BTS, c'est vrai ?", 'Non'],
    ['je peux passer que le bloc 4 ?', 'Oui'],
    ["C'est l'organisme de formation qui m'inscrit à l'examen, non ?", 'Non'],
    ['Avec 9,5 j’ai quand même mon attestation ?', 'Non'],
    ['l épreuve dure 4h ?', 'Non'],
    ["J'ai suivi les cours à distance, du coup je n'ai pas le droit de m'inscrire ?", 'Si'],
    // A negative claim the sheet contradicts, asked negatively (with or without « ne »): « Si ».
    ["on n'a pas besoin de passer par moncompteformation ?", 'Si'],
    ["c'est pas obligatoire moncompteformation ?", 'Si'],
    // « quand on veut » is part of a yes/no question, not an open « quand ? ».
    ["on peut s'inscrire quand on veut dans l'année ?", 'Non'],
    ["l'inscription coûte plusieurs centaines d'euros non ?", 'Non'],
    ['lepreuve c a loral ?', 'Non'],
    ['mes resultats de juin 2021 comptent encore ?', 'Non'],
    // The académie a learner believes in, checked against where they live, said before or after.
    ["je depends bien de l'academie de Versailles si j'habite à Nanterre ?", 'Oui'],
    // Whether to take the exam again is the opposite of having passed.
    ["j'ai eu 10,5 a l'ecrit, jai besoin de repasser ?", 'Non'],
    ["j'ai eu 8, je dois repasser ?", 'Oui'],
    // Asking the assistant to register for them: no, the learner registers.
    ["vous pouvez m'inscrire à l'examen svp ?", 'Non'],
    ["tu peux faire l'inscription pour moi ?", 'Non'],
    ["vous vous occupez de mon inscription à l'examen ?", 'Non'],
    ["c'est vous qui envoyez l'attestation après l'épreuve ?", 'Non'],
    // « et demie » ends the duration, it does not start a second question.
    ["ça dure bien deux heures et demie l'examen ?", 'Oui'],
    // « n'importe quel » asks yes or no, not « quel ? ».
    ["on peut choisir n'importe quel rectorat ?", 'Non'],
    ['ceux qui ont suivi en distanciel sont exclus ?', 'Non'],
    // A grade out of 20 said with « got » is the learner's own: congratulations, not « Non, il faut 10 ».
    ['got 15/20 lol, next step ?', 'Félicitations !'],
    // SMS « g » is « j'ai », after a greeting too: 10,5 passes.
    ['slt g 10,5, c bon ?', 'Oui'],
    ["on peut s'inscrire sans se déplacer ?", 'Oui'],
    ['une fois validé, le bloc est acquis à vie ?', 'Non'],
    // A question word in a relative clause, « laquelle » after a preposition: still yes or no.
    ['vous auriez une vidéo qui explique comment remplir le dossier ?', 'Oui'],
    ["y a-t-il un autre site sur lequel je dois m'inscrire en plus du rectorat ?", 'Oui'],
    ['on peut faire son inscription au guichet ?', 'Oui'],
    // Grammar of learners whose first language is not French: still the sheet's verdict.
    ['Je suis obligé de passer tous les épreuves du BTS ?', 'Non'],
    ['Examen est organisé par centre de formation ?', 'Non'],
    // A negative statement with a tag asking to confirm it: the sheet says they can, so « Non ».
    ["ceux qui suivent à distance ils peuvent pas s'inscrire c'est ça", 'Non'],
    ["l'inscription on la fait seulement sur le site du rectorat ?", 'Non'],
    ["ce n'est pas vous qui faites mon inscription ?", 'Non'],
    // A question dictated without its question mark, with a modal: the plain answer.
    ["j'ai suivi en e-learning ça permet quand même de m'inscrire", 'Oui'],
    ["j'habite à Tourcoing est-ce que je dépends du rectorat de Lille", 'Oui'],
    // An académie named by its first word, with its article, or without « de ».
    ["j'habite à Vichy, je dépends bien de l'académie de Clermont ?", 'Oui'],
    ["j'habite à Saint-Pierre (974), c'est bien l'académie de la Réunion ?", 'Oui'],
    ["j'habite Cannes, je suis rattaché à Aix-Marseille ?", 'Non'],
    ['94 = académie Créteil ?', 'Oui'],
    // Someone else than the learner registering, said as « c'est à … de l'inscrire »: the sheet says no.
    ["c'est au centre de formation de l'inscrire, mon fils, c'est ça ?", 'Non'],
    ["mon salarié doit faire l'inscription lui-même ?", 'Oui'],
    // An amount in words that is not the sheet's.
    ["il faut compter une trentaine d'euros pour l'inscription ?", 'Non'],
    // One of the two ways to register, said as the only one.
    ["on peut s'inscrire seulement en allant sur place au rectorat ?", 'Non'],
    // A comparison with those who attended in person is not a requirement to have attended.
    ["les stagiaires en visio peuvent s'inscrire comme ceux en présentiel ?", 'Oui'],
    // A requirement the sheet contradicts, even when it names the other epreuves (a topic it does not cover).
    ['je vais devoir passer les autres épreuves du BTS moi aussi ?', 'Non'],
    // « où » after a place noun and before a subject is a relative: the question stays yes/no.
    ["c'est le rectorat de la ville où se trouve mon entreprise qui compte ?", 'Non'],
    // A claim the sheet contradicts, though it names something the sheet does not cover (another bloc, the
    // whole BTS, the other epreuves): settled by the entry whose claim it contradicts.
    ["c'est bien le bloc 2 qu'on prépare avec cette formation ?", 'Non'],
    ['si je réussis ce bloc, du coup j’ai le BTS en entier ?', 'Non'],
    ["l'épreuve dure 3 heures comme celles des autres blocs ?", 'Non'],
    ["il faut aussi que je passe l'épreuve d'anglais ?", 'Non'],
    // Another BTS in place of this one: the sheet says which one the training prepares.
    ["Mon collègue voudrait préparer le BTS GPME à la place. C'est possible avec cette formation ?", 'Non'],
    // Whose job it is, not where (« c'est à moi de… » asks who registers).
    ['cest a moi de minscrire??', 'Oui'],
    // « dépend de où j'habite » is a relative « où »: the question stays closed.
    ["l'academie ca depend de ou j'habite ?", 'Oui'],
    // « une vidéo expliquant comment… » asks whether there is one.
    ["Auriez-vous une vidéo expliquant comment remplir l'inscription sur Cyclades ?", 'Oui'],
    ["je m'inscris juste apres la fin de la formation ?", 'Oui'],
    ['the exam is three hours ?', 'Non'],
    ['the certificateur is the ministry of higher education ?', 'Oui'],
    ['so I have to do all the BTS again from zero ?', 'Non'],
    ["c'est moi qui fais l'inscription ?", 'Oui'],
    // « ces vrai » is « c'est vrai » as typed.
    ["on m'a dit que c'est mon employeur qui m'inscrit, ces vrai ?", 'Non'],
  ])('« %s » → %s', async (text, word) => {
    const r = await entries(new Conversation(), text);
    expect(r.text.startsWith(word.endsWith('!') ? word : `${word}.`), r.text).toBe(true);
  });

  // Dictated or typed without a question mark: a claim the sheet settles gets its verdict…
  it.each([
    ["l'épreuve c'est un écrit", 'Oui'],
    ['les inscriptions se font au printemps', 'Non'],
    ["je dois faire l'inscription moi même", 'Oui'],
    ["j'ai validé le bloc en juin 2020 c'est encore valable", 'Non'],
  ])('« %s » (no question mark) → %s', async (text, word) => {
    const r = await entries(new Conversation(), text);
    expect(r.text.startsWith(`${word}.`), r.text).toBe(true);
  });

  // …but a statement about oneself or a claim the sheet does not settle gets no Oui/Non.
  it.each([
    "j'ai eu 12",
    'je termine la formation en mars',
    "je voudrais m'inscrire à l'examen",
    "j'habite à Lyon",
    "Madame, Monsieur, je souhaiterais connaître l'organisme certificateur. Cordialement",
    "je m'inscris où pour passer l'épreuve du bloc 4",
  ])('« %s » → no Oui/Non', async (text) => {
    const r = await entries(new Conversation(), text);
    expect(r.text).not.toMatch(/^(Oui|Non|Si)\b/);
  });

  it('no « Oui » in front of an answer to an open question', async () => {
    const r = await entries(new Conversation(), 'comment se passe l inscription si j ai suivi la formation à distance');
    expect(r.text).not.toMatch(/^Oui/);
  });

  it('a grade below 10 is never told it passes', async () => {
    for (const text of [
      'Avec 9,5 j’ai quand même mon attestation ?',
      "j'ai eu 9.5/20 c'est bon ?",
      'g eu 9 sur 20 je lai ?',
    ]) {
      const r = await entries(new Conversation(), text);
      expect(r.text, text).not.toMatch(/félicitations|^oui/i);
      expect(r.text, text).toContain('10');
    }
  });
});

describe('conversation context', () => {
  it('an elliptical follow-up is read with the previous subject', async () => {
    const c = new Conversation();
    expect((await entries(c, 'Où faut-il s’inscrire ?')).ids).toContain('registration-where');
    expect((await entries(c, "et c'est gratuit ?")).ids).toContain('registration-cost');
  });

  it('« qui me la délivre ? » after the attestation is the Recteur, not the ministry', async () => {
    const c = new Conversation();
    await entries(c, "Qu'est-ce que je reçois si je réussis l'examen ?");
    const r = await entries(c, "c'est qui qui me la donne ?");
    expect(r.text).toContain('Recteur');
    expect(r.text).not.toContain('ministère');
  });

  it('« et si je rate la période ? » after the registration period: the next one, not the validity of results', async () => {
    const c = new Conversation();
    await entries(c, "c'est à quelle période qu'on s'inscrit ?");
    const r = await entries(c, "et si je manque la période d'inscription ?");
    expect(r.ids).toContain('registration-period');
    expect(r.ids).not.toContain('results-validity');
  });

  it("« sous quelle forme ? » after the documents of the training is their format, not the épreuve's", async () => {
    const c = new Conversation();
    await entries(c, 'on reçoit quoi quand la formation est finie ?');
    const r = await entries(c, 'et ces documents, ils sont sous quelle forme ?');
    expect(r.ids).toContain('training-documents');
    expect(r.ids).not.toContain('exam-format');
  });

  it("a grade and its date said together are remembered: « jusqu'à quand ? » next is computed from them", async () => {
    const c = new Conversation();
    await entries(c, "j'ai obtenu 10,5 en juin 2025");
    expect((await entries(c, "et c'est valable jusqu'à quand ?")).text).toContain('juin 2030');
  });

  it('a grade then its date make one answer', async () => {
    const c = new Conversation();
    expect((await entries(c, "J'ai obtenu 11 à l'examen")).text).toContain('attestation');
    const r = await entries(c, "c'était en juin 2024");
    expect(r.text).toContain('juin 2029');
    expect(r.text).not.toMatch(/quelle note/i);
  });

  it('a question that merely mentions failing is answered, not turned into a grade prompt', async () => {
    const r = await entries(new Conversation(), 'si je rate je peux repasser quand ?');
    expect(r.text).not.toMatch(/quelle note avez-vous/i);
    expect(r.ids.length).toBeGreaterThan(0);
  });

  it("« aujourd'hui » in a validity question is when it is checked, not when the result was obtained", async () => {
    const c = new Conversation();
    await entries(c, "j'ai eu 10/20 à l'épreuve en juin 2023");
    const r = await entries(c, "c'est encore bon aujourd'hui ou c'est périmé ?");
    expect(r.text).toContain('juin 2028');
    expect(r.text).not.toMatch(/^Non\./);
  });

  it("« et si je l'ai pas ? » after the grade to reach is the next registration period", async () => {
    const c = new Conversation();
    await entries(c, 'cb pour avoir le bloc ?');
    const failed = await entries(c, "et si je l'ai pas ?");
    expect(failed.ids).toContain('registration-period');
  });

  it("after a question the sheet does not answer, « et c'est quand ? » continues its subject", async () => {
    const c = new Conversation();
    const where = await entries(c, "l'examen se passe où ?");
    expect(where.ids).toEqual([]);
    const when = await entries(c, "et c'est quand ?");
    expect(when.ids).toContain('exam-session');
  });

  it('an off-topic question after an answer is still refused', async () => {
    const c = new Conversation();
    await entries(c, "combien dure l'épreuve ?");
    const r = await entries(c, 'quelle est la capitale du Pérou ?');
    expect(r.ids).toEqual([]);
  });
});

describe('entities only when stated', () => {
  it('a month placed in the past is the last such month', () => {
    expect(extractDate("j'ai fini en septembre", TODAY)?.date).toEqual(new Date(2026, 8, 1));
    expect(extractDate("je l'ai eu en décembre", TODAY)?.date).toEqual(new Date(2025, 11, 1));
    expect(extractDate('je finis en mars', TODAY)?.date).toEqual(new Date(2027, 2, 1));
    // « je termine » is present tense: to come, unlike « j'ai terminé ».
    expect(extractDate('je termine en mars', TODAY)?.date).toEqual(new Date(2027, 2, 1));
    expect(extractDate("j'ai terminé en mars", TODAY)?.date).toEqual(new Date(2026, 2, 1));
  });

  it("a training end the learner's own words contradict is asked back, not computed", async () => {
    const c = new Conversation();
    const r = await entries(c, "je n'ai pas encore fini, ma formation se termine en juin 2025, je m'inscris quand ?");
    expect(r.text).toMatch(/n'était pas terminée, mais juin 2025, c'est déjà passé/);
    expect(r.text).not.toMatch(/Inscription : /);
    // The date said next is taken as the end of the training: the guided registration goes on.
    expect((await entries(c, 'en mars 2027')).text).toMatch(/département/);
  });

  it('a year said in words, as a dictated message writes it', () => {
    expect(extractDate("j'ai eu quinze en juin deux mille vingt deux", TODAY)?.date).toEqual(new Date(2022, 5, 1));
    expect(extractDate('mon onze de juin deux mille vingt et un', TODAY)?.date).toEqual(new Date(2021, 5, 1));
    expect(extractDate('en septembre deux mille dix-neuf', TODAY)?.date).toEqual(new Date(2019, 8, 1));
    // The « vingt » of a year is no grade.
    expect(extractGrade("j'ai eu onze sur vingt en juin deux mille vingt cinq")?.value).toBe(11);
  });

  it('a grade and its year in words make one answer', async () => {
    const r = await entries(
      new Conversation(),
      "alors voilà j'ai eu onze sur vingt a l'examen de juin deux mille vingt cinq euh qu'est ce qui se passe maintenant",
    );
    expect(r.ids).toContain('exam-result');
    expect(r.text).toContain('juin 2030');
  });

  it('grades as learners write them', () => {
    for (const [text, value] of [
      ['avec 9,5', 9.5],
      ["j'ai eu 9.5/20", 9.5],
      ['9 sur 20', 9],
      ["j'ai eu neuf", 9],
      ['15,5 !! c bon jai le bloc ?', 15.5],
    ] as const) {
      expect(extractGrade(text)?.value, text).toBe(value);
    }
  });

  it("no grade from an article, and a threshold asked about is not the learner's grade", async () => {
    expect(extractGrade("Une fois l'épreuve réussie, est-ce qu'on reçoit un diplôme ?")).toBeNull();
    expect(extractGrade("j'ai entendu qu'il fallait 12 de moyenne pour valider le bloc")?.personal).toBe(false);
    expect(extractGrade("j'ai eu 12 de moyenne")?.personal).toBe(true);
    const r = await entries(
      new Conversation(),
      "Bonjour, j'ai entendu qu'il fallait 12 de moyenne pour valider le bloc, c'est exact ?",
    );
    expect(r.text).not.toMatch(/félicitations|avec 12/i);
    expect(r.text.startsWith('Non.')).toBe(true);
  });

  it('a choice between two is answered without Oui/Non, and may name what it rules out', async () => {
    const choice = await entries(
      new Conversation(),
      "Une fois l'épreuve réussie, on reçoit un diplôme ou juste une attestation ?",
    );
    expect(choice.ids).toContain('exam-attestation');
    expect(choice.text).not.toMatch(/^(Oui|Non|Si)\./);
    const block = await entries(new Conversation(), "c'est le bloc 3 ou le 4 ?");
    expect(block.ids).toContain('block');
    expect(block.text).not.toContain('ne précise pas');
    // A remark after the question mark does not hide the choice.
    const remark = await entries(new Conversation(), 'bloc 4 or bloc 2 ? jsuis perdue');
    expect(remark.ids).toContain('block');
    expect(remark.text).not.toContain('ne précise pas');
    // Asked in the past, as one checks a memory.
    const past = await entries(new Conversation(), 'ctait le bloc 3 ou 4 deja ?');
    expect(past.ids).toContain('block');
    expect(past.text).not.toMatch(/^(Oui|Non|Si)\.|ne précise pas/);
  });

  it('a month in the exam question is not taken for the end of the training', async () => {
    const r = await entries(new Conversation(), "L'examen c'est en juin c'est ça ? Et on s'inscrit en automne ?");
    expect(r.text).not.toMatch(/fin de (votre|la) formation ?: ?(en )?juin/i);
    expect(r.text).toMatch(/juin/);
    expect(r.text).toMatch(/automne/);
  });
});

describe('wiring of the understanding data is checked at start', () => {
  it('an intent naming an unknown subject stops the start with the file and the field', () => {
    const dir = tempDir('intents-');
    cpSync(INTENTS_DIR, dir, { recursive: true });
    const catalog = join(dir, 'catalog.yaml');
    writeFileSync(catalog, readFileSync(catalog, 'utf8').replace('subjects: [inscription]', 'subjects: [inscripton]'));
    const gazetteer = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer();
    expect(() => loadUnderstander({ intentsDir: dir, gazetteer })).toThrow(
      /catalog\.yaml: \w+\.subjects: "inscripton" is not a subject/,
    );
  });

  it('the shared understander reads a message as frames', () => {
    const r = sharedUnderstander().read("c'est payant et ça dure combien ?", TODAY);
    expect(r.frames.map((f) => f.intent)).toEqual(['cout_inscription', 'duree_epreuve']);
  });
});

describe('follow-ups and beliefs', () => {
  it('« et après ? » asks the next step of what was answered', async () => {
    const c = new Conversation();
    await entries(c, 'les examens c est quand ?');
    expect((await entries(c, 'et après ?')).ids).toContain('exam-attestation');
  });

  it("« et si je l'ai je reçois quoi ? » after the grade to reach is the next step too: the attestation", async () => {
    const c = new Conversation();
    await entries(c, 'note mini pour réussir');
    expect((await entries(c, "et si je l'ai je reçois quoi ?")).ids).toContain('exam-attestation');
    const d = new Conversation();
    await entries(d, "la note minimale c'est combien");
    expect((await entries(d, "et on a quoi si on l'a ?")).ids).toContain('exam-attestation');
  });

  it('« et à Paris ? » asks the same question for that place', async () => {
    const c = new Conversation();
    await entries(c, "j'habite à Lyon, je dépends de quelle académie ?");
    const r = await entries(c, 'et pour le 93 ?');
    expect(r.ids).toContain('academy');
    expect(r.text).toMatch(/Créteil/);
  });

  it('checks a validity against the year asked', async () => {
    const r = await entries(new Conversation(), 'résultat obtenu en juin 2022, ça tient jusqu’en 2030 ?');
    expect(r.text.startsWith('Non.')).toBe(true);
    expect(r.text).toContain('juin 2027');
  });

  it('a result obtained « en 2021 » is that year’s June session', async () => {
    const r = await entries(new Conversation(), 'eu 13 en 2021, toujours valable ?');
    expect(r.text.startsWith('Non.')).toBe(true);
  });

  it('a reported negative belief is contradicted', async () => {
    const r = await entries(
      new Conversation(),
      "on m'a dit que ceux qui ont fait la formation à distance peuvent pas s'inscrire, c'est vrai ?",
    );
    expect(r.text.startsWith('Non.')).toBe(true);
    expect(r.ids).toContain('distance-learning');
  });

  it('checks the académie a learner believes they depend on', async () => {
    expect((await entries(new Conversation(), "j'habite à Nanterre, je dépends de Créteil ?")).text).toMatch(
      /^Non\. .*Versailles/s,
    );
    expect(
      (
        await entries(new Conversation(), 'Je réside à Tours : mon académie est-elle bien Orléans-Tours ?')
      ).text.startsWith('Oui.'),
    ).toBe(true);
  });

  it('a grade verdict answers « did I pass », not another question', async () => {
    const r = await entries(new Conversation(), "j'ai raté le bloc avec 7, je dois refaire toute la formation ?");
    expect(r.text).not.toMatch(/^(Oui|Non)\b/);
    expect(r.text).toContain('10');
  });
});

describe('a yes/no follow-up with a verb is not a bare subject', () => {
  it('« et y a un tuto ? » after where to register: Oui, there is one', async () => {
    const c = new Conversation();
    await c.say("je m'inscris sur quel site ?");
    const r = await entries(c, 'et y a un tuto ?');
    expect(r.ids).toContain('cyclades-tutorial');
    expect(r.text.startsWith('Oui.')).toBe(true);
  });
});

describe('follow-ups after a combined answer', () => {
  it('« et ça dure combien ? » continues the exam part, not the grade part', async () => {
    const c = new Conversation();
    await entries(c, "c'est écrit ou oral et il faut combien pour l'avoir ?");
    expect((await entries(c, 'et ça dure combien ?')).ids).toContain('exam-duration');
  });
});
