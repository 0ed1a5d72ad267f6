import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { Answerer } from '../knowledge/answers.ts';
import { loadConversation } from '../knowledge/conversation.ts';
import { KnowledgeBase, KnowledgeBaseError, normalizeSpaces } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import type { Entry } from '../knowledge/schema.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { fold } from '../intents/nlu/text.ts';
import { loadTrainingSet } from '../intents/nlu/training-data.ts';
import { withSheetIntents } from '../intents/nlu/sheet-intents.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const REAL_BASE = join(KNOWLEDGE_DIR, 'bts-mco-bloc4.yaml');
const TODAY = new Date(2026, 10, 26, 12);

const kb = KnowledgeBase.load(REAL_BASE);
const catalog = loadTrainingSet(INTENTS_DIR).catalog;

/** Folded (lower case, no accents, plain apostrophes) with spaces normalised, for fact lookups. */
function folded(s: string): string {
  return normalizeSpaces(fold(s));
}

/** The message thrown by a function, or a failure if it does not throw. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('the real knowledge base (BTS MCO, bloc 4)', () => {
  it('loads, with its document, sections and entries', () => {
    expect(kb.title).toBe('Modalités de sanction');
    expect(kb.data.document.certification).toContain('BTS Management Commercial Opérationnel');
    expect(kb.data.document.sections.map((s) => s.id)).toEqual(['intro', '1', '2', '3', '4']);
    expect(kb.entries.length).toBeGreaterThanOrEqual(20);
    expect(kb.sourceText).toContain("Modalités de sanction de l'action de formation");
  });

  it('reads the source sheet named by document.source_file', () => {
    const onDisk = readFileSync(resolve(KNOWLEDGE_DIR, kb.data.document.source_file), 'utf8');
    expect(kb.sourceText).toBe(onDisk);
  });

  describe('every quote occurs word for word in the sheet', () => {
    const sheet = normalizeSpaces(kb.sourceText);
    it.each(kb.entries.map((e) => [e.id, e] as const))('%s', (_id, entry: Entry) => {
      expect(entry.source.quotes.length).toBeGreaterThan(0);
      for (const quote of entry.source.quotes) expect(sheet).toContain(normalizeSpaces(quote));
    });
  });

  describe('every entry cites a declared section', () => {
    it.each(kb.entries.map((e) => [e.id, e] as const))('%s', (_id, entry: Entry) => {
      expect(kb.section(entry.source.section)).toBeDefined();
    });
  });

  describe('the base covers every fact of the sheet (in some short or detailed answer)', () => {
    const texts = kb.entries.map((e) => folded(`${e.short}\n${e.detailed}`));
    const facts: (string | string[])[] = [
      'certification',
      'MonCompteFormation',
      'certificats de compétences',
      'PDF',
      "ministère de l'Enseignement supérieur",
      'BTS Management Commercial Opérationnel',
      'bloc n°4',
      "Manager l'équipe commerciale",
      'candidat libre',
      'automne',
      'juin',
      'Rectorat',
      'en ligne',
      'domicile',
      '5,00 €',
      'gratuite',
      'forme progressive',
      'distance',
      'Cyclades',
      'écrite',
      ['2 h 30', '2h30'],
      'jury',
      '10',
      "Recteur de l'Académie",
      '5 ans',
    ];
    it.each(facts.map((f) => [Array.isArray(f) ? f.join(' / ') : f, f] as const))('%s', (_label, fact) => {
      const variants = (Array.isArray(fact) ? fact : [fact]).map(folded);
      const holders = texts.filter((t) => variants.some((v) => t.includes(v)));
      expect(holders.length, `no entry states "${variants.join('" or "')}"`).toBeGreaterThan(0);
    });
  });

  it('uses only intents declared in intents/catalog.yaml', () => {
    const known = new Set(catalog.map((i) => i.id));
    const unknown = kb.entries.flatMap((e) => e.intents.filter((i) => !known.has(i)).map((i) => `${e.id}: ${i}`));
    expect(unknown).toEqual([]);
  });

  describe('every faq intent of the catalog has an entry', () => {
    const faq = catalog.filter((i) => i.kind === 'faq').map((i) => i.id);
    it('the catalog has faq intents', () => expect(faq.length).toBeGreaterThanOrEqual(20));
    it.each(faq)('%s', (intent) => {
      const entry = kb.entryForIntent(intent);
      expect(entry, `no knowledge entry answers ${intent}`).toBeDefined();
      expect(entry!.intents).toContain(intent);
    });
  });

  it('holds the structured values computed answers rely on', () => {
    expect(kb.numberValue('pass_grade')).toBe(10);
    expect(kb.numberValue('scale')).toBe(20);
    expect(kb.numberValue('validity_years')).toBe(5);
    expect(kb.numberValue('exam_month')).toBe(6);
    expect(kb.numberValue('duration_minutes')).toBe(150);
    expect(kb.numberValue('max_fee_eur')).toBe(5);
  });

  it('every follow-up of every entry is an existing entry', () => {
    const dangling = kb.entries.flatMap((e) => e.follow_ups.filter((f) => !kb.entry(f)).map((f) => `${e.id} → ${f}`));
    expect(dangling).toEqual([]);
  });
});

describe('broken knowledge bases give one clear error (file, field path, expectation)', () => {
  const broken = (name: string) => join(FIXTURES, 'broken', name);

  it('the baseline the broken fixtures derive from is valid', () => {
    const base = KnowledgeBase.load(broken('_baseline-valid.yaml'));
    expect(base.entries.map((e) => e.id)).toEqual(['pass-grade', 'exam-duration']);
    expect(base.numberValue('pass_grade')).toBe(10);
  });

  const cases: { file: string; path: string; expectation: RegExp }[] = [
    {
      file: 'quotes-not-a-list.yaml',
      path: 'entries[0].source.quotes',
      expectation: /expected array, received string/,
    },
    {
      file: 'quote-not-in-sheet.yaml',
      path: 'entries[0].source.quotes[0]',
      expectation: /not found word for word in sheet\.txt: "Une note supérieure ou égale à 12/,
    },
    {
      file: 'unknown-follow-up.yaml',
      path: 'entries[1].follow_ups[0]',
      expectation: /unknown entry id "no-such-entry"/,
    },
    { file: 'unknown-section.yaml', path: 'entries[0].source.section', expectation: /expected one of 1, 2, got "9"/ },
    {
      file: 'contradictory-value.yaml',
      path: 'entries[1].values.pass_grade',
      expectation: /12 contradicts 10 given by entry "pass-grade"/,
    },
    {
      file: 'missing-source-file.yaml',
      path: 'document.source_file',
      expectation: /cannot read ".*no-such-sheet\.txt"/,
    },
    { file: 'bad-id.yaml', path: 'entries[1].id', expectation: /kebab-case id/ },
  ];

  it.each(cases)('$file → $path', ({ file, path, expectation }) => {
    const fullPath = broken(file);
    const err = errorOf(() => KnowledgeBase.load(fullPath));
    expect(err).toBeInstanceOf(KnowledgeBaseError);
    const lines = err.message.split('\n');
    expect(lines, 'one error, on one line').toHaveLength(1);
    expect(err.message.startsWith(`${fullPath}: ${path}: `), err.message).toBe(true);
    expect(err.message).toMatch(expectation);
  });

  it('a knowledge base file that cannot be read names the file', () => {
    const err = errorOf(() => KnowledgeBase.load(broken('no-such-base.yaml')));
    expect(err).toBeInstanceOf(KnowledgeBaseError);
    expect(err.message.startsWith(`${broken('no-such-base.yaml')}: `)).toBe(true);
    expect(err.message).toContain('cannot read the knowledge base');
  });
});

describe('a second training is a data change (fictional "BTS NDRC, bloc 2" sheet)', () => {
  const second = KnowledgeBase.load(join(FIXTURES, 'second-sheet', 'knowledge.yaml'));
  const answerer = new Answerer(
    second,
    loadConversation(join(KNOWLEDGE_DIR, 'conversation.fr.yaml')),
    AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')),
    {},
  );
  const entryFor = (intent: string): Entry => {
    const e = second.entryForIntent(intent);
    if (!e) throw new Error(`second base: no entry for ${intent}`);
    return e;
  };

  it('loads with its own document, source and values', () => {
    expect(second.title).toBe('Fiche fictive NDRC bloc 2');
    expect(second.sourceText).toContain('FICHE FICTIVE');
    expect(second.numberValue('pass_grade')).toBe(12);
    expect(second.numberValue('validity_years')).toBe(4);
    expect(second.numberValue('duration_minutes')).toBe(180);
    const sheet = normalizeSpaces(second.sourceText);
    for (const e of second.entries) for (const q of e.source.quotes) expect(sheet).toContain(normalizeSpaces(q));
  });

  it("answers the intents the assistant needs, with catalog intents only (the project's and its own)", () => {
    const own = withSheetIntents({ catalog, examples: [] }, second.intentsDir!).sheet.intents;
    const known = new Set([...catalog, ...own].map((i) => i.id));
    for (const intent of ['duree_epreuve', 'note_requise', 'validite_resultats', 'resultat_examen'])
      expect(second.entryForIntent(intent)).toBeDefined();
    for (const e of second.entries) for (const i of e.intents) expect(known.has(i), i).toBe(true);
  });

  it('gives the duration of that sheet, citing that sheet', () => {
    const answer = answerer.entryAnswer(entryFor('duree_epreuve'));
    expect(answer.kind).toBe('answer');
    expect(answer.text).toContain('3 heures');
    expect(answer.text).toContain('orale');
    expect(answer.text).not.toMatch(/2 ?h ?30/);
    expect(answer.sources).toEqual([
      { section: 'art2', label: 'article 2', quotes: entryFor('duree_epreuve').source.quotes },
    ]);
    expect(answerer.sourceLine(answer)).toBe('Source : Fiche fictive NDRC bloc 2, article 2');
  });

  it('quotes that sheet in the details', () => {
    const details = answerer.details(entryFor('duree_epreuve'));
    expect(details.kind).toBe('details');
    expect(details.text).toContain(
      "« L'épreuve du bloc n°2 est une épreuve orale d'une durée de 3 heures devant une commission d'évaluation. »",
    );
    expect(details.text).toContain('(article 2)');
  });

  it("fills the placeholders of short answers with that base's values", () => {
    expect(answerer.entryAnswer(entryFor('note_requise')).text).toBe(
      "Il faut obtenir au moins 12 sur 20 pour recevoir l'attestation de l'organisme certificateur.",
    );
    expect(answerer.entryAnswer(entryFor('validite_resultats')).text).toContain('4 ans');
  });

  it('computes the validity end date with 4 years', () => {
    const answer = answerer.validity(
      entryFor('validite_resultats'),
      { date: new Date(2025, 5, 15), precision: 'day' },
      TODAY,
    );
    expect(answer.text).toContain('le 15 juin 2025');
    expect(answer.text).toContain("jusqu'au 15 juin 2029");
    expect(answer.text).toContain('toujours valable');
    expect(answer.sources[0]!.label).toBe('article 3');
    // June 2022 + 4 years = June 2026: past on 26 November 2026 (with 5 years it would still be valid).
    const old = answerer.validity(
      entryFor('validite_resultats'),
      { date: new Date(2022, 5, 1), precision: 'month' },
      TODAY,
    );
    expect(old.text).toContain("jusqu'en juin 2026");
    expect(old.text).toContain('plus valable');
  });

  it('fails 11 against the pass grade 12 (11 would pass the real base)', () => {
    const answer = answerer.grade(entryFor('resultat_examen'), { value: 11, valid: true, text: '11' }, null, TODAY);
    expect(answer.text).toContain("Avec 11/20, la note requise n'est pas atteinte");
    expect(answer.text).toContain('au moins 12 sur 20');
    expect(answer.text).not.toContain('Bravo');
    // The next session is that base's (May), and the registration period entry is cited too.
    expect(answer.text).toContain('en mai 2027');
    expect(answer.sources.map((s) => s.label)).toEqual(['article 3', 'article 1']);
  });

  it('passes 12 exactly, and dates a pass with 4 years', () => {
    const pass = answerer.grade(entryFor('resultat_examen'), { value: 12, valid: true, text: '12' }, null, TODAY);
    expect(pass.text).toContain('Bravo ! Avec 12/20');
    expect(pass.text).toContain('valable 4 ans');
    const dated = answerer.grade(
      entryFor('resultat_examen'),
      { value: 13.5, valid: true, text: '13,5' },
      { date: new Date(2025, 5, 15), precision: 'day' },
      TODAY,
    );
    expect(dated.text).toContain('13,5/20');
    expect(dated.text).toContain("jusqu'au 15 juin 2029");
  });

  it("plans the exam with that base's exam month", () => {
    const plan = answerer.examPlan(
      entryFor('session_examen'),
      { date: new Date(2027, 4, 1), precision: 'month' },
      TODAY,
    );
    expect(plan.text).toBe(
      "Fin de votre formation : en mai 2027. Inscription : à l'automne 2027. Examen : en mai 2028.",
    );
    const next = answerer.examPlan(entryFor('session_examen'), null, TODAY);
    expect(next.text).toContain('La prochaine session a lieu en mai 2027');
  });

  it("the same code with the real base answers with the real sheet's facts", () => {
    const real = new Answerer(
      kb,
      loadConversation(join(KNOWLEDGE_DIR, 'conversation.fr.yaml')),
      AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')),
      {},
    );
    expect(real.entryAnswer(kb.entryForIntent('duree_epreuve')!).text).toContain('2 h 30');
    const eleven = real.grade(
      kb.entryForIntent('resultat_examen')!,
      { value: 11, valid: true, text: '11' },
      null,
      TODAY,
    );
    expect(eleven.text).toContain('Félicitations');
    const validity = real.validity(
      kb.entryForIntent('validite_resultats')!,
      { date: new Date(2025, 5, 15), precision: 'day' },
      TODAY,
    );
    expect(validity.text).toContain("jusqu'au 15 juin 2030");
  });
});
