import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { loadTrainingSet, type IntentInfo } from '../intents/nlu/training-data.ts';
import { loadConversation, type Conversation as Wording } from '../knowledge/conversation.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { INTENTS_NAMED_IN_CODE } from '../dialogs/router.ts';
import { checkWiring, WiringError, type WiringSources } from '../dialogs/wiring.ts';
import { createAssistant } from '../src/assistant.ts';
import { Conversation, folded, sharedUnderstander, TODAY, visible } from './helpers.ts';
import { tempDir } from './temp.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECOND = fileURLToPath(new URL('./fixtures/second-sheet/', import.meta.url));
const CATALOG_FILE = join(INTENTS_DIR, 'catalog.yaml');
const CONVERSATION_FILE = join(KNOWLEDGE_DIR, 'conversation.fr.yaml');
const catalog = loadTrainingSet(INTENTS_DIR).catalog;
const wording = loadConversation(CONVERSATION_FILE);
const kb = KnowledgeBase.load(join(KNOWLEDGE_DIR, 'bts-mco-bloc4.yaml'));

/** The project's own wiring, with one change. */
function sources(
  change: { intents?: (list: IntentInfo[]) => void; conversation?: (c: Wording) => void } = {},
): WiringSources {
  const intents = structuredClone(catalog);
  const conversation = structuredClone(wording);
  change.intents?.(intents);
  change.conversation?.(conversation);
  return {
    catalogs: [{ file: CATALOG_FILE, intents }],
    conversation,
    conversationFile: CONVERSATION_FILE,
    kb,
    menuFile: CONVERSATION_FILE,
  };
}

const indexOf = (id: string) => catalog.findIndex((i) => i.id === id);
const set = (id: string, patch: Partial<IntentInfo>) => (list: IntentInfo[]) =>
  Object.assign(
    list.find((i) => i.id === id)!,
    patch,
  );

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

/** A one-line `file: path: message` error. */
function expectOneLine(err: Error, file: string, path: string, message: RegExp): void {
  expect(err.message.split('\n'), err.message).toHaveLength(1);
  expect(err.message.startsWith(`${file}: ${path}: `), err.message).toBe(true);
  expect(err.message).toMatch(message);
}

describe('the wiring between data files is checked at start, one line per broken reference', () => {
  it("the project's data is wired right", () => {
    expect(() => checkWiring(sources())).not.toThrow();
  });

  it.each([
    [
      "a guided intent's dialog",
      { intents: set('inscription_accompagnee', { dialog: 'registraton' }) },
      CATALOG_FILE,
      `intents[${indexOf('inscription_accompagnee')}].dialog`,
      /"registraton" \(intent inscription_accompagnee\): a guided intent starts one of registration, exam, after_exam, academy/,
    ],
    [
      'a guided intent without a dialog',
      { intents: set('inscription_accompagnee', { dialog: undefined }) },
      CATALOG_FILE,
      `intents[${indexOf('inscription_accompagnee')}].dialog`,
      /missing/,
    ],
    [
      'a dialog on an intent that is not guided',
      { intents: set('bloc_seul', { dialog: 'exam' }) },
      CATALOG_FILE,
      `intents[${indexOf('bloc_seul')}].dialog`,
      /only a guided intent starts a dialog/,
    ],
    [
      "a smalltalk intent's reply key",
      { intents: set('salutation', { reply: 'greting' }) },
      CATALOG_FILE,
      `intents[${indexOf('salutation')}].reply`,
      /"greting" \(intent salutation\) is not a text of .*conversation\.fr\.yaml/,
    ],
    [
      'a reply key that is not a text',
      { intents: set('salutation', { reply: 'menu' }) },
      CATALOG_FILE,
      `intents[${indexOf('salutation')}].reply`,
      /"menu" .* is not a text/,
    ],
    [
      'a smalltalk intent without a reply',
      { intents: set('au_revoir', { reply: undefined }) },
      CATALOG_FILE,
      `intents[${indexOf('au_revoir')}].reply`,
      /missing/,
    ],
    [
      "a computed answer's name",
      { intents: set('validite_resultats', { compute: 'validty' }) },
      CATALOG_FILE,
      `intents[${indexOf('validite_resultats')}].compute`,
      /"validty" \(intent validite_resultats\) is not one of result, validity, academy, with_academy, exam_plan/,
    ],
    [
      'a computed answer on a smalltalk intent',
      { intents: set('remerciement', { compute: 'result' }) },
      CATALOG_FILE,
      `intents[${indexOf('remerciement')}].compute`,
      /only a faq intent/,
    ],
    [
      'an intent the code names, removed from the catalogue',
      { intents: (list: IntentInfo[]) => list.splice(indexOf('statut_candidat'), 1) },
      CATALOG_FILE,
      'intents',
      /"statut_candidat" is missing: dialogs\/router\.ts/,
    ],
    [
      "a menu item's dialog",
      {
        conversation: (c: Wording) => {
          c.menu[0]!.action = 'dialog:inscription';
        },
      },
      CONVERSATION_FILE,
      'menu[0].action',
      /"dialog:inscription": expected dialog:<one of registration/,
    ],
    [
      "a menu item's entry",
      {
        conversation: (c: Wording) => {
          c.menu[4]!.action = 'entry:training-docs';
        },
      },
      CONVERSATION_FILE,
      'menu[4].action',
      /no entry "training-docs" in .*bts-mco-bloc4\.yaml/,
    ],
    [
      'a dialog asked about',
      {
        conversation: (c: Wording) => {
          c.dialog_asked_about.acadmy = ['lieu_inscription'];
        },
      },
      CONVERSATION_FILE,
      'dialog_asked_about.acadmy',
      /not a guided dialog/,
    ],
    [
      'an intent answering a dialog asked about',
      {
        conversation: (c: Wording) => {
          c.dialog_asked_about.exam = ['format_epreuv'];
        },
      },
      CONVERSATION_FILE,
      'dialog_asked_about.exam[0]',
      /"format_epreuv" is not an intent of .*catalog\.yaml/,
    ],
  ] as const)('%s', (_name, change, file, path, message) => {
    const err = errorOf(() => checkWiring(sources(change)));
    expect(err).toBeInstanceOf(WiringError);
    expectOneLine(err, file, path, message);
  });

  it('the list of intents the code names holds every intent named in dialogs/ and knowledge/', () => {
    const ids = new Set(catalog.map((i) => i.id));
    const named = new Set<string>();
    for (const dir of ['dialogs', 'knowledge']) {
      for (const name of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
        for (const m of readFileSync(join(ROOT, dir, name), 'utf8').matchAll(/'([a-z_]+)'/g))
          if (ids.has(m[1]!)) named.add(m[1]!);
      }
    }
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((id) => !(INTENTS_NAMED_IN_CODE as readonly string[]).includes(id))).toEqual([]);
  });
});

/** A copy of the second sheet's folder with one text replaced in one of its files. */
function brokenSheet(file: string, from: string | RegExp, to: string): string {
  const dir = tempDir('wiring-sheet-');
  cpSync(SECOND, dir, { recursive: true });
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file}: "${String(from)}" not found`).not.toBe(text);
  writeFileSync(path, changed);
  return join(dir, 'knowledge.yaml');
}

describe('a knowledge base with a broken reference stops createAssistant (npm start) in one line', () => {
  it.each([
    [
      "an entry's intent",
      'knowledge.yaml',
      'intents: [duree_epreuve, format_epreuve]',
      'intents: [duree_epreuve, format_epreuv]',
      'entries[2].intents[1]',
      /"format_epreuv" is not an intent of .*catalog\.yaml or .*catalog\.yaml/,
    ],
    [
      'an entry answering a smalltalk intent',
      'knowledge.yaml',
      'intents: [note_requise]',
      'intents: [salutation]',
      'entries[3].intents[0]',
      /"salutation" is a smalltalk intent, which no entry answers/,
    ],
    [
      "its menu's entry",
      'knowledge.yaml',
      'entry:candidate-file',
      'entry:candidate-files',
      'menu[2].action',
      /no entry "candidate-files"/,
    ],
    [
      "its menu's dialog",
      'knowledge.yaml',
      'dialog:after_exam',
      'dialog:after-exam',
      'menu[1].action',
      /expected dialog:<one of/,
    ],
    [
      'a follow-up',
      'knowledge.yaml',
      'follow_ups: [exam-duration, exam-session]',
      'follow_ups: [exam-duration, exam-sesion]',
      'entries[6].follow_ups[1]',
      /unknown entry id "exam-sesion"/,
    ],
    [
      "computed dates without the sheet's calendar",
      'knowledge.yaml',
      /\ncalendar:\n( {2}.*\n)+/,
      '\n',
      'entries[0].templates.plan',
      /a computed date needs the knowledge base's `calendar`/,
    ],
    [
      "a calendar sentence's placeholder",
      'knowledge.yaml',
      'exam: "en {exam_month} {exam_year}"',
      'exam: "en {exam_month} {session_year}"',
      'calendar.texts.exam',
      /unknown placeholder \{session_year\}/,
    ],
    [
      'a registration window the wrong way round',
      'knowledge.yaml',
      '{ from: "09-22", to: "12-21" }',
      '{ from: "12-21", to: "09-22" }',
      'calendar.registration_window',
      /must come before/,
    ],
    [
      'a link to a configuration key that is not LINK_*',
      'knowledge.yaml',
      'menu:',
      'links:\n  booking: { label: "Réserver", env: BOOKING_URL }\n\nmenu:',
      'links.booking.env',
      /a configuration key LINK_/,
    ],
  ])('%s', (_name, file, from, to, path, message) => {
    const knowledgeFile = brokenSheet(file, from, to);
    const err = errorOf(() => createAssistant({ knowledgeFile, understander: sharedUnderstanderWithSheet() }));
    expectOneLine(err, knowledgeFile, path, message);
  });

  it("its own intent's computed answer (in the sheet's catalogue)", () => {
    const knowledgeFile = brokenSheet('intents/catalog.yaml', 'kind: faq', 'kind: faq\n    compute: plan');
    const err = errorOf(() => createAssistant({ knowledgeFile, clock: () => TODAY }));
    expectOneLine(
      err,
      join(knowledgeFile, '..', 'intents', 'catalog.yaml'),
      'intents[0].compute',
      /"plan" \(intent dossier_candidat\) is not one of/,
    );
  });

  it("its own intent taking a name of the project's", () => {
    const knowledgeFile = brokenSheet('intents/catalog.yaml', 'id: dossier_candidat', 'id: bloc_seul');
    const err = errorOf(() => createAssistant({ knowledgeFile, clock: () => TODAY }));
    expectOneLine(
      err,
      join(knowledgeFile, '..', 'intents', 'catalog.yaml'),
      'intents[0].id',
      /"bloc_seul" is already an intent of intents\/catalog\.yaml/,
    );
  });
});

let withSheet: ReturnType<typeof sharedUnderstander> | undefined;
/** Understanding trained with the second sheet's own intent (once for the file). */
function sharedUnderstanderWithSheet() {
  withSheet ??= createAssistant({ knowledgeFile: join(SECOND, 'knowledge.yaml'), clock: () => TODAY }).understander;
  return withSheet;
}

describe('a second sheet with its own intent and menu is data only, through the real bot', () => {
  const chat = () =>
    new Conversation(
      createAssistant({
        knowledgeFile: join(SECOND, 'knowledge.yaml'),
        clock: () => TODAY,
        understander: sharedUnderstanderWithSheet(),
      }),
    );

  it("its menu replaces the project's", async () => {
    const c = chat();
    const menu = await c.ask('menu');
    expect(menu).toContain("[l'epreuve]");
    expect(menu).toContain('[le dossier a remettre]');
    expect(menu).not.toContain('ce que donne la formation');
  });

  it('its own intent is understood and answered from its sheet, with its source', async () => {
    const c = chat();
    const [reply] = await c.say('combien de pages pour le dossier professionnel ?');
    const shown = folded(visible(reply!));
    expect(shown).toContain('dossier professionnel de dix pages au plus');
    expect(shown).toContain('source : fiche fictive ndrc bloc 2, article 2');
    // « Plus de détails » quotes that sheet's sentence.
    expect(await c.ask('plus de détails')).toContain(
      "« le candidat remet a la commission un dossier professionnel de dix pages au plus, quinze jours avant l'epreuve. »",
    );
  });

  it("its menu's entry and dialog answer from its sheet", async () => {
    const c = chat();
    expect(await c.ask('Le dossier à remettre')).toContain('quinze jours avant');
    const exam = await c.ask("L'épreuve");
    expect(exam).toContain('3 heures');
    expect(exam).toContain('mai 2027');
    expect(exam).not.toMatch(/2 ?h ?30|juin/);
  });

  it("the project's questions still get that sheet's facts (pass grade 12)", async () => {
    const c = chat();
    expect(await c.ask('il faut combien pour réussir ?')).toContain('au moins 12 sur 20');
  });
});
