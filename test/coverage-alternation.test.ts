import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Coverage } from '../knowledge/coverage.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import { sharedUnderstander } from './helpers.ts';
import { tempDir } from './temp.ts';

/**
 * knowledge/coverage.ts tests a question against each topic's patterns joined into one alternation:
 * it must find the topic that testing the patterns one by one finds, on every question.
 */
describe('uncovered topics, patterns joined per topic', () => {
  const file = join(KNOWLEDGE_DIR, 'not-covered.yaml');
  const topics = (parse(readFileSync(file, 'utf8')) as { topics: { id: string; patterns: string[] }[] }).topics;
  /** The first topic one of whose patterns, tested one by one, matches. */
  const compiled = topics.map((t) => ({ id: t.id, patterns: t.patterns.map((p) => new RegExp(p)) }));
  const oneByOne = (normal: string) => compiled.find((t) => t.patterns.some((p) => p.test(normal)))?.id ?? null;

  it('finds the topic found pattern by pattern, on every held-out and development message', () => {
    const coverage = Coverage.load(file);
    const understander = sharedUnderstander();
    const messages = readdirSync(INTENTS_DIR)
      .filter((d) => d === 'heldout' || /^dev\d*$/.test(d))
      .flatMap((d) =>
        readdirSync(join(INTENTS_DIR, d))
          .filter((f) => f.endsWith('.jsonl'))
          .flatMap((f) => readFileSync(join(INTENTS_DIR, d, f), 'utf8').split('\n')),
      )
      .filter((l) => l.trim())
      .flatMap((l) => {
        const item = JSON.parse(l) as { text?: string; turns?: { text: string }[] };
        return [...(item.text ? [item.text] : []), ...(item.turns ?? []).map((t) => t.text)];
      });
    expect(messages.length).toBeGreaterThan(3000);
    const normals = messages.map((m) => understander.normalize(m));
    const differ = normals.filter((n) => (coverage.uncovered(n)?.id ?? null) !== oneByOne(n));
    expect(differ).toEqual([]);
    // Not vacuous: many of them are about a topic the sheet does not cover.
    expect(normals.filter((n) => oneByOne(n) !== null).length).toBeGreaterThan(300);
  }, 60_000);

  it('keeps testing one by one the patterns of a topic that refer to their own groups', () => {
    const dir = tempDir('coverage-');
    const own = join(dir, 'not-covered.yaml');
    writeFileSync(
      own,
      [
        'ask: { academy: "le rectorat de votre académie" }',
        'topics:',
        '  - id: repeated',
        '    about: "un mot répété"',
        '    ask: academy',
        "    patterns: ['\\b(\\w+) \\1\\b', '\\bbis\\b']",
        '  - id: named',
        '    about: "un nom"',
        '    ask: academy',
        "    patterns: ['(?<w>ter)', 'quater']",
      ].join('\n'),
    );
    const coverage = Coverage.load(own);
    expect(coverage.uncovered('il dit dit cela')?.id).toBe('repeated');
    expect(coverage.uncovered('le bis')?.id).toBe('repeated');
    expect(coverage.uncovered('il dit cela')).toBeNull();
    expect(coverage.uncovered('ter')?.id).toBe('named');
  });
});
