import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcademyDirectory, COMMUNES_FILE } from '../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { extractDate, type DatePrecision } from '../intents/nlu/entities/date.ts';
import { extractGrade } from '../intents/nlu/entities/grade.ts';
import { PlaceExtractor, departementOfPostalCode } from '../intents/nlu/entities/place.ts';

const TODAY = new Date(2026, 10, 26);
const directory = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml'));
const places = new PlaceExtractor(directory.gazetteer());

describe('extractGrade', () => {
  it('"J\'ai eu 15/20" → 15, the learner\'s own grade', () => {
    expect(extractGrade("J'ai eu 15/20")).toMatchObject({ value: 15, valid: true, personal: true });
  });

  it('"12,5 sur 20" → 12.5', () => {
    expect(extractGrade('12,5 sur 20')).toMatchObject({ value: 12.5, valid: true, text: '12,5 sur 20' });
  });

  it('"j\'ai eu dix" → 10, personal', () => {
    expect(extractGrade("j'ai eu dix")).toMatchObject({ value: 10, valid: true, personal: true });
  });

  it('"dix-sept sur 20" → 17', () => {
    expect(extractGrade('dix-sept sur 20')).toMatchObject({ value: 17, valid: true });
  });

  it('"faut-il 10/20 pour réussir" → 10, a threshold, not the learner\'s grade', () => {
    expect(extractGrade('faut-il 10/20 pour réussir')).toMatchObject({ value: 10, valid: true, personal: false });
  });

  it('"25/20" is found but invalid', () => {
    expect(extractGrade('25/20')).toMatchObject({ value: 25, valid: false });
  });

  it('a bare "12" is a grade only when the assistant just asked for one ({bare: true})', () => {
    expect(extractGrade('12')).toBeNull();
    expect(extractGrade('12', { bare: true })).toMatchObject({ value: 12, valid: true, personal: true });
    expect(extractGrade('12,5', { bare: true })).toMatchObject({ value: 12.5 });
  });

  it.each([
    "j'ai deux enfants et un boulot, je peux passer seulement l'épreuve ?",
    "avec 2 collègues on se demande quand s'inscrire",
    "j'ai 3 enfants",
    'g 2 enfants, je peux passer juste le bloc ?',
  ])('a number counting things after « j\'ai » / « avec » is no grade: "%s"', (text) => {
    expect(extractGrade(text)).toBeNull();
  });

  it.each(['12 sur 20 ça suffit pour avoir le bloc ?', '9,5/20 c’est assez ?'])(
    'a grade asked about as enough, without « j’ai »…, is the threshold: "%s"',
    (text) => {
      expect(extractGrade(text)).toMatchObject({ personal: false });
      expect(extractGrade(`j'ai eu ${text}`)).toMatchObject({ personal: true });
    },
  );

  it.each([
    'bonjour, 3 questions : la durée, la note pour valider le bloc, le jury',
    '2 petites questions pour valider mon inscription svp',
    'trois questions : la note pour valider, la durée',
  ])('a number opening a message before a noun counts things: "%s"', (text) => {
    expect(extractGrade(text)).toBeNull();
  });

  it.each([
    ["j'ai 12 au bloc 4", 12],
    ["j'ai quinze au bloc", 15],
    ["j'ai 11 donc c'est bon ?", 11],
  ] as const)('"%s" → %d (a word that may follow a grade)', (text, value) => {
    expect(extractGrade(text)).toMatchObject({ value, personal: true });
  });

  it.each(["l'épreuve dure 2h30", 'valable 5 ans', 'le 15 juin 2025', 'code postal 69003'])(
    'no grade in "%s"',
    (text) => {
      expect(extractGrade(text)).toBeNull();
      expect(extractGrade(text, { bare: true })).toBeNull();
    },
  );
});

describe('extractDate (today = 26 November 2026)', () => {
  const cases: [string, number, number, number, DatePrecision][] = [
    ['3 juillet 2024', 2024, 6, 3, 'day'],
    ['03/07/2024', 2024, 6, 3, 'day'],
    ['1er juillet 2024', 2024, 6, 1, 'day'],
    ['juin 2026', 2026, 5, 1, 'month'],
    ['en avril prochain', 2027, 3, 1, 'month'],
    ['en mai', 2027, 4, 1, 'month'],
    ['le mois dernier', 2026, 9, 1, 'month'],
    ["aujourd'hui", 2026, 10, 26, 'day'],
    ['en 2025', 2025, 0, 1, 'year'],
  ];

  it.each(cases)('"%s" → %i-%i-%i (%s)', (text, year, monthIndex, dayOfMonth, precision) => {
    const d = extractDate(text, TODAY);
    expect(d).not.toBeNull();
    expect(d!.precision).toBe(precision);
    expect([d!.date.getFullYear(), d!.date.getMonth(), d!.date.getDate()]).toEqual([year, monthIndex, dayOfMonth]);
  });

  it('no date in "combien dure l\'épreuve"', () => {
    expect(extractDate("combien dure l'épreuve", TODAY)).toBeNull();
  });

  it('keeps what the learner wrote', () => {
    expect(extractDate("j'ai fini le 1er juillet 2024", TODAY)?.text).toBe('1er juillet 2024');
  });
});

describe('PlaceExtractor (gazetteer from the académies table)', () => {
  it.each([
    ['69003', '69'],
    ['97400', '974'],
    // Overseas collectivities where a vice-rectorat stands for the rectorat.
    ['98800', '988'],
    ["j'habite a Noumea", '988'],
    ['je suis à Tahiti', '987'],
    ["j'habite dans le 93", '93'],
    ['je suis à Lille', '59'],
    ['Saint-Étienne', '42'],
    ['saint etienne', '42'],
  ])('"%s" → %s', (text, departement) => {
    expect(places.extract(text)?.departement).toBe(departement);
  });

  it('the postal code rule itself maps Corsica to 2A / 2B', () => {
    expect(departementOfPostalCode('20090')).toBe('2A');
    expect(departementOfPostalCode('20200')).toBe('2B');
    expect(departementOfPostalCode('19000')).toBe('19');
  });

  // Regression: Corsican (20xxx) and Corrèze (19xxx) postal codes were once mistaken for years.
  it('"20090" → 2A (Ajaccio postal code)', () => {
    expect(places.extract('20090')?.departement).toBe('2A');
  });

  it('"20200" → 2B (Bastia postal code)', () => {
    expect(places.extract('20200')?.departement).toBe('2B');
  });

  it('"19000" → 19 (Tulle postal code)', () => {
    expect(places.extract('19000')?.departement).toBe('19');
  });

  // Regression: a postal code directly followed by a full stop or a comma was once ignored.
  it('"mon code postal est 69003." → 69', () => {
    expect(places.extract('mon code postal est 69003.')?.departement).toBe('69');
  });

  it('"69003, quel rectorat ?" → 69', () => {
    expect(places.extract('69003, quel rectorat ?')?.departement).toBe('69');
  });

  it('a postal code followed by a space or "?" is found', () => {
    expect(places.extract("j'habite au 69003 !")?.departement).toBe('69');
    expect(places.extract('69003?')?.departement).toBe('69');
  });

  it('a bare département number counts only with {bare: true}', () => {
    expect(places.extract('13')).toBeNull();
    expect(places.extract('13', { bare: true })?.departement).toBe('13');
  });

  it.each(["j'ai eu 15/20", 'en 2027'])('no place in "%s"', (text) => {
    expect(places.extract(text)).toBeNull();
  });
});

describe('AcademyDirectory', () => {
  it('has 30 académies covering 101 départements and 3 vice-rectorats, each code in exactly one', () => {
    const academies = directory.academies.filter((a) => a.authority === 'rectorat');
    expect(academies).toHaveLength(30);
    expect(academies.flatMap((a) => a.departements).filter((c) => !/^97[78]$/.test(c))).toHaveLength(101);
    expect(directory.academies.filter((a) => a.authority === 'vice-rectorat').map((a) => a.departements)).toEqual([
      ['988'],
      ['987'],
      ['986'],
    ]);
    // 101 départements, Saint-Barthélemy and Saint-Martin (Guadeloupe) and the three collectivities of the vice-rectorats.
    const codes = directory.academies.flatMap((a) => a.departements);
    expect(codes).toHaveLength(106);
    expect(new Set(codes).size).toBe(106);
    expect(directory.placeNames().filter((n) => n.kind === 'departement')).toHaveLength(106);
  });

  it('maps départements to their académie', () => {
    expect(directory.academyOf('76')?.name).toBe('Normandie');
    expect(directory.academyOf('976')?.name).toBe('Mayotte');
    expect(directory.academyOf('93')?.name).toBe('Créteil');
    expect(directory.academyOf('2a')?.name).toBe('Corse');
    expect(directory.academyOf('00')).toBeUndefined();
    expect(directory.academyOf('978')?.name).toBe('Guadeloupe');
    expect(directory.academyOf('988')).toMatchObject({
      name: 'Nouvelle-Calédonie',
      authority: 'vice-rectorat',
      rectoratCity: 'Nouméa',
    });
  });
});

describe('place names that are also common words', () => {
  const extractor = new PlaceExtractor(AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer());
  it('are not places in ordinary sentences', () => {
    expect(extractor.extract("c'est cher l'inscription ?")).toBeNull();
    expect(extractor.extract('la somme à payer')).toBeNull();
    expect(extractor.extract('ça a du sens')).toBeNull();
  });
  it('are places after « à », « en », « dans »', () => {
    expect(extractor.extract("j'habite dans le Cher")?.departement).toBe('18');
    expect(extractor.extract('je suis à Nice')?.departement).toBe('06');
    expect(extractor.extract('dans la Somme')?.departement).toBe('80');
  });
});

describe('towns of communes.fr.tsv (every commune of 2 000 inhabitants or more)', () => {
  it.each([
    ['je suis à Blagnac, c’est quelle académie ?', '31', 'Blagnac'],
    ["j'habite Ducos en Martinique", '972', 'Ducos'],
    ['on vit à Pont-Sainte-Maxence', '60', 'Pont-Sainte-Maxence'],
    // A town whose name is a frequent word counts after a verb of dwelling…
    ["j'habite à Plaisir", '78', 'Plaisir'],
    // A commune déléguée of a town, and the first word of a town's compound name.
    ["j'habite à Seynod", '74', 'Seynod'],
    ['moi je suis a Cherbourg', '50', 'Cherbourg'],
    ['on est à Charleville', '08', 'Charleville'],
  ])('"%s" → %s (%s, as the gazetteer writes it)', (text, departement, name) => {
    expect(places.extract(text)).toMatchObject({ departement, text: name, kind: 'city' });
  });

  // …and not in the phrases its name is made of.
  it.each([
    "c'est en ligne ?",
    'il a eu 12',
    'au plaisir',
    "c'est entre deux sessions ?",
    'on est en cours',
    "l'accès aux salles d'examen",
  ])('no place in "%s"', (text) => {
    expect(places.extract(text)).toBeNull();
  });

  it('a département said right after a town says which town it is', () => {
    expect(places.extract('à Saint-Denis, en Seine-Saint-Denis')?.departement).toBe('93');
    expect(places.extract('à Saint-Denis')?.departement).toBe('974');
    // Not when it is another place of the message (« je bosse à Paris »).
    expect(places.extractWithClaim("j'habite à Versailles mais je bosse à Paris").home?.departement).toBe('78');
  });

  it('« l’académie de Clermont » is Clermont-Ferrand’s, not the town of the Oise', () => {
    expect(
      places.extractWithClaim("j'habite à Vichy, je dépends de l'académie de Clermont ?").claimed?.departement,
    ).toBe('63');
  });

  it('a line that does not fit stops the start with the file and the line number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'communes-'));
    try {
      copyFileSync(join(KNOWLEDGE_DIR, 'academies.yaml'), join(dir, 'academies.yaml'));
      writeFileSync(join(dir, COMMUNES_FILE), '# comment\nBlagnac\t31\nNulle-Part\t999\n');
      expect(() => AcademyDirectory.load(join(dir, 'academies.yaml'))).toThrow(/communes\.fr\.tsv:3: .*Nulle-Part/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
