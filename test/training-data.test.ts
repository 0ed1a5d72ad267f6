import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { fold } from '../intents/nlu/text.ts';
import { INTENT_KINDS, loadLabelled, loadTrainingSet } from '../intents/nlu/training-data.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { FAMILIES, familyFile, loadCases } from '../eval/families.ts';

const training = loadTrainingSet(INTENTS_DIR);
const heldout = loadLabelled(join(INTENTS_DIR, 'heldout', 'fr.jsonl'));

/** Folded, punctuation-free form: "C'est quand, l'examen ?" and "c est quand l examen" are the same. */
const key = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

describe('training data', () => {
  it('the catalog declares intents of every kind, with unique ids', () => {
    const ids = training.catalog.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const kind of INTENT_KINDS)
      expect(
        training.catalog.some((i) => i.kind === kind),
        kind,
      ).toBe(true);
  });

  describe('every intent has at least 20 training utterances', () => {
    const counts = new Map<string, number>();
    for (const e of training.examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
    it.each(training.catalog.map((i) => i.id))('%s', (intent) => {
      expect(counts.get(intent) ?? 0).toBeGreaterThanOrEqual(20);
    });
  });

  it('every training example belongs to a catalog intent', () => {
    const ids = new Set(training.catalog.map((i) => i.id));
    expect(training.examples.filter((e) => !ids.has(e.intent))).toEqual([]);
  });
});

describe('held-out set (intents/heldout/fr.jsonl)', () => {
  it('is not empty', () => {
    expect(heldout.length).toBeGreaterThan(0);
  });

  it('no held-out utterance appears in the training data (folded, without punctuation)', () => {
    const trained = new Set(training.examples.map((e) => key(e.text)));
    const leaked = heldout.filter((h) => trained.has(key(h.text))).map((h) => `${h.intent}: ${h.text}`);
    expect(leaked).toEqual([]);
  });

  it('every held-out label is a catalog intent', () => {
    const ids = new Set(training.catalog.map((i) => i.id));
    const unknown = heldout.filter((h) => !ids.has(h.intent)).map((h) => `${h.intent}: ${h.text}`);
    expect(unknown).toEqual([]);
  });
});

describe('question families (intents/heldout/*.jsonl, intents/dev/*.jsonl)', () => {
  // The held-out families, and every development set (dev, dev2…), each written by another author.
  const devSets = readdirSync(INTENTS_DIR)
    .filter((d) => /^dev\d*$/.test(d))
    .sort();
  const sets = ['heldout', ...devSets].map((set) => ({
    set,
    cases: FAMILIES.flatMap((f) => loadCases(familyFile(join(INTENTS_DIR, set), f))),
  }));
  const kb = KnowledgeBase.load(join(KNOWLEDGE_DIR, 'bts-mco-bloc4.yaml'));
  const entryIds = new Set(kb.entries.map((e) => e.id));

  it.each(sets)('$set: every family is there, labelled with entries of the knowledge base', ({ set, cases }) => {
    for (const f of FAMILIES)
      expect(loadCases(familyFile(join(INTENTS_DIR, set), f)).length, `${set}/${f}`).toBeGreaterThan(20);
    const unknown = cases
      .flatMap((c) => c.turns.flatMap((t) => [...t.expect, ...(t.ok ?? [])]))
      .filter((id) => !entryIds.has(id));
    expect(unknown).toEqual([]);
  });

  it.each(sets)('$set: no message appears in the training data (folded, without punctuation)', ({ cases }) => {
    const trained = new Set(training.examples.map((e) => key(e.text)));
    const leaked = cases.flatMap((c) => c.turns.map((t) => t.text)).filter((t) => trained.has(key(t)));
    expect(leaked).toEqual([]);
  });

  it('the held-out set shares no message with any development set, nor development sets with each other', () => {
    const texts = sets.map((s) => ({
      set: s.set,
      keys: new Set(s.cases.flatMap((c) => c.turns.map((t) => key(t.text)))),
    }));
    const shared: string[] = [];
    for (const [i, a] of texts.entries())
      for (const b of texts.slice(i + 1))
        for (const t of a.keys) if (b.keys.has(t)) shared.push(`${a.set}/${b.set}: ${t}`);
    expect(shared).toEqual([]);
  });
});
