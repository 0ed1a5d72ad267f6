import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../intents/nlu/lexicon.ts';
import { INTENTS_DIR, loadUnderstander } from '../intents/nlu/load.ts';
import { Preprocessor } from '../intents/nlu/preprocess.ts';
import { fold } from '../intents/nlu/text.ts';
import { loadTrainingSet } from '../intents/nlu/training-data.ts';
import { sharedData, sharedUnderstander } from './helpers.ts';

const TODAY = new Date(2026, 10, 26, 12);
const training = loadTrainingSet(INTENTS_DIR);
const lexicon = loadLexicon(join(INTENTS_DIR, 'lexicon.fr.yaml'));
const understander = sharedUnderstander();

/** Folded, punctuation-free form, to tell whether a sentence is copied from the training data. */
const key = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const trainingKeys = new Set(training.examples.map((e) => key(e.text)));

describe('Preprocessor', () => {
  const fresh = () => new Preprocessor(lexicon);

  it('keeps question words as features ("où", "quand", "quel")', () => {
    const p = fresh();
    expect(p.process("où s'inscrire").features).toContain(p.stem('ou'));
    expect(p.process("quand a lieu l'examen").features).toContain(p.stem('quand'));
    expect(p.process('quel bloc').features).toContain(p.stem('quel'));
    // ...while real stopwords are dropped.
    expect(p.process('le bloc').features).toEqual([p.stem('bloc')]);
  });

  it('reads a multi-word name as what it names (lexicon `names`), whatever separates its words', () => {
    const p = fresh();
    expect(p.words('la formation Management des équipes', false)).toEqual(['la', 'formation']);
    expect(p.words('le management-des-équipes', false)).toEqual(['le', 'formation']);
    // Not inside another phrase: « manager l'équipe commerciale » is the bloc.
    expect(p.words("manager l'équipe commerciale", false)).toEqual(['manager', 'l', 'equipe', 'commerciale']);
  });

  it('reads a phrase of several words as its French (lexicon `phrases`), before single-word replacements', () => {
    const p = fresh();
    expect(p.words('how many times can I retry', false)).toEqual([
      'combien',
      'de',
      'fois',
      'est',
      'ce',
      'que',
      'je',
      'peux',
      'repasser',
    ]);
    expect(p.words('until when is it valid', false)).toEqual(['jusqu', 'a', 'quand', 'est', 'ce', 'que', 'valable']);
  });

  it('leaves a real word alone rather than correcting it to a training word it contains (« directeur » is no « recteur »)', () => {
    const p = fresh();
    p.learnVocabulary(training.examples.map((e) => e.text));
    expect(p.words('mon directeur de magasin')).toContain('directeur');
  });

  it('folds accents and case', () => {
    const p = fresh();
    expect(p.words("Épreuve ÉCRITE à l'Académie", false)).toEqual(['epreuve', 'ecrite', 'a', 'l', 'academie']);
  });

  it('splits apostrophes (straight and curly)', () => {
    const p = fresh();
    expect(p.words("l'inscription", false)).toEqual(['l', 'inscription']);
    expect(p.words('d’examen', false)).toEqual(['d', 'examen']);
  });

  it('pools "épreuve" and "examen" (synonyms) and inflections of "inscription"', () => {
    const p = fresh();
    expect(p.stem('epreuve')).toBe(p.stem('examen'));
    expect(p.stem('inscrire')).toBe(p.stem('inscription'));
  });

  it('corrects "inscirption" → "inscription" after learnVocabulary (vocabulary without the typo)', () => {
    const p = fresh();
    expect(p.process('inscirption').corrections).toEqual([]);
    p.learnVocabulary(["Combien coûte l'inscription ?", "Où se fait l'inscription ?"]);
    const out = p.process("combien coute l'inscirption");
    expect(out.corrections).toEqual([{ from: 'inscirption', to: 'inscription' }]);
    expect(out.words).toContain('inscription');
    expect(out.features).toContain(p.stem('inscription'));
  });

  it('corrects typos against the real training vocabulary', () => {
    const p = fresh();
    p.learnVocabulary(training.examples.map((e) => e.text));
    expect(p.process('examne').words).toEqual(['examen']);
    expect(p.process('inscritpion').words).toEqual(['inscription']);
    expect(p.process('acadmie').words).toEqual(['academie']);
  });

  // Learners who write as they speak are several letters away from the word, but sound like it.
  it('hears words written as they are said (phonetic spelling)', () => {
    const p = fresh();
    p.learnVocabulary(training.examples.map((e) => e.text));
    expect(p.words("l'egzamin c kan")).toEqual(['l', 'examen', 'c', 'est', 'quand']);
    expect(p.words('siklad je trouv pa coman fer')).toEqual(['cyclades', 'je', 'trouve', 'pa', 'comment', 'faire']);
    expect(p.words('ki sé mon rektora')).toContain('rectorat');
    expect(p.words('a distense')).toEqual(['a', 'distance']);
    // Glued and phonetic at once: « sinskrir ».
    expect(p.words('il fo sinskrir')).toEqual(['il', 'faut', 's', 'inscrire']);
    // A real word is not re-heard as another (« dispense » stays).
    expect(p.words('une dispense')).toEqual(['une', 'dispense']);
  });

  it('reads a lone « é » in context: euros after an amount, « est » after a subject, else « et »', () => {
    const p = fresh();
    expect(p.words('c 5 e')).toEqual(['c', 'est', 'znum', 'euros']);
    expect(p.words('elle é sanctionnee', false)).toEqual(['elle', 'est', 'sanctionnee']);
    expect(p.words('quand é ou', false)).toEqual(['quand', 'et', 'ou']);
  });

  // "inscirption" occurs a few times in the training utterances themselves: a typo seen in training
  // must still be corrected to the far more frequent word, or it never meets "inscription".
  it('corrects "inscirption" → "inscription" after learning the real training vocabulary', () => {
    const p = fresh();
    p.learnVocabulary(training.examples.map((e) => e.text));
    expect(p.process('inscirption').words).toEqual(['inscription']);
  });
});

describe('understand: clear questions are answered with the right intent', () => {
  // Written for this test (not copied from intents/training nor intents/heldout), in varied styles.
  const clear: [string, string][] = [
    ["ça me coûtera combien de m'inscrire à l'exam ?", 'cout_inscription'],
    ["c'est quand les exams", 'session_examen'],
    ["l'épreuve dure combien de temps", 'duree_epreuve'],
    ["kel note faut il pour avoir l'exam", 'note_requise'],
    ["qui délivre l'attestation apres l'examen", 'attestation_reussite'],
    [
      "Est-ce que je dois m'inscrire moi-même ou c'est le centre de formation qui s'en charge ?",
      'inscription_responsable',
    ],
    ["à quel moment de l'année ouvrent les inscriptions ?", 'periode_inscription'],
    ["on peut s'inscrire où exactement ?", 'lieu_inscription'],
    ["j'habite à Marseille, c'est quel rectorat pour moi ?", 'academie'],
    ['je dois repasser tout le BTS ou juste le bloc 4 ?', 'bloc_seul'],
    ["j'ai fait la formation en e-learning, j'ai le droit de m'inscrire ?", 'formation_distance'],
    ["l'examen c'est à l'écrit ou à l'oral ?", 'format_epreuve'],
    ["mon résultat reste valable combien d'années ?", 'validite_resultats'],
    ["c'est quoi le ministère qui certifie ?", 'certificateur'],
    ['Elle vise quel diplôme cette formation au juste ?', 'certification_visee'],
    ["c'est quel bloc de compétences qu'on valide ?", 'bloc_competences'],
    ["je m'inscris en tant que quoi, candidat libre ?", 'statut_candidat'],
    ['il existe une vidéo pour expliquer Cyclades ?', 'tutoriel_cyclades'],
    ["est-ce qu'on reçoit un certificat quand la formation se termine ?", 'documents_fin_formation'],
    ["faut-il aussi passer par le CPF pour l'inscription ?", 'moncompteformation'],
    ["j'ai eu 8 sur 20, qu'est-ce que je fais maintenant ?", 'resultat_examen'],
    ['la formation est-elle validée par un examen ?', 'sanction_formation'],
    ["je m'inscris avant ou après la fin de ma formation ?", 'inscription_moment'],
    ["je veux m'inscrire, tu peux m'aider étape par étape ?", 'inscription_accompagnee'],
    ['how long does the exam last', 'duree_epreuve'],
    ["Bonjour, pourriez-vous m'indiquer la durée de l'épreuve écrite ?", 'duree_epreuve'],
    ['les inscriptions c kan ?', 'periode_inscription'],
    // « quoi » beside a precise ask (the format) does not make « c'est quoi la forme progressive » fit.
    ["c koi le format de l'examen du bloc 4 ?", 'format_epreuve'],
    // The stemmer makes « certificateur » and « certification » one word: kept apart (lexicon `distinct`).
    ['et la certification visée, c est laquelle ?', 'certification_visee'],
    ['le certificateur de la formation, c est qui ?', 'certificateur'],
    ["c'est quoi l'épreuve du bloc 4 exactement ?", 'format_epreuve'],
    // The training's title names the training, not the bloc (lexicon `names`).
    ['qui certifie la formation Management des équipes, quel organisme ?', 'certificateur'],
  ];

  it('none of these questions is copied from the training data', () => {
    expect(clear.filter(([text]) => trainingKeys.has(key(text))).map(([text]) => text)).toEqual([]);
  });

  it.each(clear)('"%s" → %s', (text, intent) => {
    const u = understander.understand(text, TODAY);
    expect({ intent: u.intent, status: u.status }).toEqual({ intent, status: 'answered' });
    expect(u.confidence).toBeGreaterThan(0);
    expect(u.confidence).toBeLessThanOrEqual(1);
  });
});

describe('understand: off-topic messages fall back', () => {
  const offTopic = [
    "quelle est la capitale de l'australie",
    'recette de la tartiflette',
    'asdfgh qwerty',
    'il va pleuvoir demain à Brest ?',
    'qui a gagné la coupe du monde de foot en 2018',
    'comment réinstaller windows sur mon ordinateur',
    'combien font 17 fois 23',
    'quel est le meilleur film de science-fiction',
    'mon chat ne mange plus ses croquettes',
    'combien coûte un billet de train pour Paris',
    'je cherche un appartement à louer à Lyon',
    'tu connais une bonne blague ?',
    'what is the weather like in London',
  ];

  it.each(offTopic)('"%s" → fallback', (text) => {
    const u = understander.understand(text, TODAY);
    expect(u.status).toBe('fallback');
    expect(u.confidence).toBeGreaterThanOrEqual(0);
    expect(u.confidence).toBeLessThanOrEqual(1);
  });
});

describe('understand: smalltalk, confidence and entities', () => {
  it.each([
    ['bonjour', 'salutation'],
    ['merci !', 'remerciement'],
    ['a+', 'au_revoir'],
    ['Merci beaucoup 🙏', 'remerciement'],
  ])('"%s" → %s', (text, intent) => {
    expect(understander.understand(text, TODAY)).toMatchObject({ intent, status: 'answered', confidence: 1 });
  });

  it('a greeting in front of a question does not hide the question', () => {
    expect(understander.understand('bonjour, quand ont lieu les épreuves ?', TODAY)).toMatchObject({
      intent: 'session_examen',
      status: 'answered',
    });
  });

  it('confidences and alternatives are probabilities, the chosen intent first', () => {
    for (const text of ['combien de temps dure l épreuve', 'recette de la tartiflette', 'asdfgh', '???']) {
      const u = understander.understand(text, TODAY);
      expect(u.confidence).toBeGreaterThanOrEqual(0);
      expect(u.confidence).toBeLessThanOrEqual(1);
      expect(u.alternatives.length).toBeLessThanOrEqual(3);
      for (const a of u.alternatives) {
        expect(a.probability).toBeGreaterThanOrEqual(0);
        expect(a.probability).toBeLessThanOrEqual(1);
      }
      if (u.intent !== null) expect(u.alternatives[0]?.intent).toBe(u.intent);
    }
  });

  it('"J\'ai eu 14/20 en juin 2026" carries a grade of 14 and a June 2026 date', () => {
    const u = understander.understand("J'ai eu 14/20 en juin 2026", TODAY);
    expect(u).toMatchObject({ intent: 'resultat_examen', status: 'answered' });
    expect(u.entities.grade).toMatchObject({ value: 14, valid: true, personal: true });
    expect(u.entities.date?.precision).toBe('month');
    expect([u.entities.date?.date.getFullYear(), u.entities.date?.date.getMonth()]).toEqual([2026, 5]);
  });

  it('a postal code is attached as a place', () => {
    const u = understander.understand("j'habite au 69003 je dépends de quel rectorat ?", TODAY);
    expect(u).toMatchObject({ intent: 'academie', status: 'answered' });
    expect(u.entities.place).toMatchObject({ departement: '69', kind: 'postal_code' });
  });

  it('every intent the understander returns is in the catalog', () => {
    const ids = new Set(understander.catalog.map((i) => i.id));
    for (const text of ['combien coute le bts', 'bonjour', 'recette de la tartiflette']) {
      const intent = understander.understand(text, TODAY).intent;
      if (intent !== null) expect(ids.has(intent)).toBe(true);
    }
  });
});

describe("the catalogue's references to subjects and intents are checked when understanding is built", () => {
  const gazetteer = () => sharedData().academies.gazetteer();
  const withCatalog = (change: (t: ReturnType<typeof loadTrainingSet>) => void) => {
    const t = loadTrainingSet(INTENTS_DIR);
    change(t);
    return () => loadUnderstander({ gazetteer: gazetteer(), training: t });
  };

  it('an intent unlikely with a subject frames.fr.yaml does not have', () => {
    expect(
      withCatalog((t) => {
        t.catalog.find((i) => i.id === 'attestation_reussite')!.unlikely_with = ['fin_formaton'];
      }),
    ).toThrow(
      'intents/catalog.yaml: attestation_reussite.unlikely_with: "fin_formaton" is not a subject of frames.fr.yaml',
    );
  });

  it('a decisive subject that is the subject of several intents', () => {
    expect(
      withCatalog((t) => {
        t.decisive = [...(t.decisive ?? []), 'formation'];
      }),
    ).toThrow('decisive_subjects: "formation" must be a subject of exactly one intent');
  });

  it('the compared pair answers both only when both are named and compared', () => {
    const read = (q: string) => understander.read(q, TODAY).frames.map((f) => [f.intent, ...f.also]);
    expect(read("l'attestation du recteur et l'attestation pdf du centre, c'est quoi la différence")).toEqual([
      ['documents_fin_formation', 'attestation_reussite'],
    ]);
    // Who delivers the Recteur's attestation: one answer, the training's documents are not added.
    expect(read("c'est qui qui me donne l'attestation ?")).toEqual([['attestation_reussite']]);
  });
});

describe('several things asked in one request', () => {
  const intents = (q: string) => understander.read(q, TODAY).frames.map((f) => f.intent);

  it.each([
    [
      "Mon épouse vient d'achever la formation. Pourriez-vous me préciser le bloc concerné, la durée de l'épreuve ainsi que la note requise pour la réussir ?",
      ['bloc_competences', 'duree_epreuve', 'note_requise'],
    ],
    [
      "Bonjour, je souhaiterais savoir qui délivre la certification et de quel BTS il s'agit exactement. Merci.",
      ['certificateur', 'certification_visee'],
    ],
    [
      'la formation mene a quelle certif, quel bloc, et on passe quoi comme epreuve',
      ['certification_visee', 'bloc_competences', 'format_epreuve'],
    ],
  ])('« %s »', (q, expected) => {
    expect(intents(q)).toEqual(expected);
  });
});
