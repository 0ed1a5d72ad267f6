import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ASSISTANT_CLASSES } from '../src/cache/assistant-classes.ts';
import { restore, snapshot, SnapshotRefused } from '../src/cache/snapshot.ts';
import { StartCache } from '../src/cache/start-cache.ts';
import { loadAssistantData } from '../src/assistant.ts';
import { trainUnderstander } from '../src/retraining.ts';
import { INTENTS_DIR } from '../intents/nlu/load.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { LogLines, postMessage } from './in-process-bot.ts';
import { startApp } from './in-process-app.ts';
import { StandInConnector } from './server-process.ts';
import { Conversation, TODAY, testAssistant, visible } from './helpers.ts';
import { tempDir } from './temp.ts';

/** Every learner message of the held-out files (single questions and each turn of a conversation). */
function heldOutMessages(): string[] {
  const dir = join(INTENTS_DIR, 'heldout');
  const texts: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')))
    for (const line of readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())) {
      const item = JSON.parse(line) as { text?: string; turns?: { text: string }[] };
      if (item.text) texts.push(item.text);
      for (const turn of item.turns ?? []) texts.push(turn.text);
    }
  return texts;
}

describe('snapshot of the assistant (src/cache/snapshot.ts)', () => {
  it('reads back a trained understanding that reads every held-out message as the trained one does', () => {
    // Trained here (the tests' shared model is itself read back from a start cache).
    const trained = trainUnderstander([]);
    const restored = restore(snapshot(trained, ASSISTANT_CLASSES), ASSISTANT_CLASSES) as Understander;
    expect(restored).not.toBe(trained);
    const messages = heldOutMessages();
    expect(messages.length).toBeGreaterThan(1000);
    const differ = messages.filter((m) => !isDeepStrictEqual(restored.read(m, TODAY), trained.read(m, TODAY)));
    expect(differ).toEqual([]);
    // A conversation's follow-up is read with what came before.
    const context = { intent: 'registration-where', intents: ['registration-where'] };
    expect(restored.understand('et ça coûte combien ?', TODAY, context)).toEqual(
      trained.understand('et ça coûte combien ?', TODAY, context),
    );
  }, 120_000);

  it('reads back the checked data: an assistant built on it answers as one built on the files', async () => {
    const data = loadAssistantData();
    const restored = restore(snapshot(data, ASSISTANT_CLASSES), ASSISTANT_CLASSES) as typeof data;
    expect(restored.kb).toBeInstanceOf(KnowledgeBase);
    expect(restored.kb.intentsDir).toBe(data.kb.intentsDir);
    const questions = ["c'est quand l'exam ?", 'combien ça coûte ?', "j'habite à Lille, quel rectorat ?", 'aide'];
    const answers = async (d: typeof data) => {
      const c = new Conversation(testAssistant({ data: d }));
      const out = [await c.join()].flat().map(visible);
      for (const q of questions) out.push(await c.ask(q));
      return out;
    };
    expect(await answers(restored)).toEqual(await answers(data));
  });

  it('refuses, naming it, what would not read back the same', () => {
    class Unnamed {
      x = 1;
    }
    const accessor = Object.defineProperty({}, 'size', { get: () => 1, enumerable: true });
    const searching = /a/g;
    searching.exec('aa');
    for (const [value, says] of [
      [{ run: () => 1 }, /\.run: a function/],
      [{ deep: { inside: new Unnamed() } }, /\.deep\.inside: an instance of Unnamed/],
      [{ accessor }, /\.accessor: property size is not a plain field/],
      [{ [Symbol('s')]: 1 }, /property Symbol\(s\) is not a plain field/],
      [{ searching }, /\.searching: a regular expression in the middle of a search/],
    ] as const)
      expect(() => snapshot(value, ASSISTANT_CLASSES)).toThrow(says);
    expect(() => snapshot({ run: () => 1 }, {})).toThrow(SnapshotRefused);
  });

  it('keeps shared and circular references, Maps, Sets, null prototypes and the classes named', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm() {
        return Math.hypot(this.x, this.y);
      }
    }
    const shared = new Point(3, 4);
    const bare = Object.assign(Object.create(null) as Record<string, number>, { a: 1 });
    const graph = { a: shared, b: [shared], m: new Map([['k', new Set([shared])]]), bare, self: {} as object };
    graph.self = graph;
    const back = restore(snapshot(graph, { Point }), { Point }) as typeof graph;
    expect(back.a).toBeInstanceOf(Point);
    expect(back.a.norm()).toBe(5);
    expect(back.b[0]).toBe(back.a);
    expect([...back.m.get('k')!][0]).toBe(back.a);
    expect(Object.getPrototypeOf(back.bare)).toBeNull();
    expect(back.self).toBe(back);
    // Read back with a table that no longer names the class: refused, not a plain object passed off as a Point.
    expect(() => restore(snapshot(graph, { Point }), {})).toThrow(/an instance of Point, a class not named now/);
  });
});

describe('StartCache (src/cache/start-cache.ts)', () => {
  class Model {
    constructor(public words: string[]) {}
    count() {
      return this.words.length;
    }
  }
  const classes = { Model };

  /** A project of one source folder, a cache folder, and a log. */
  function setUp() {
    const root = tempDir('start-cache-');
    mkdirSync(join(root, 'data-files'));
    writeFileSync(join(root, 'data-files', 'words.txt'), 'un deux trois');
    const logs = new LogLines();
    const logger = pino({ level: 'warn' }, logs);
    const dir = join(root, 'cache');
    const builds: string[] = [];
    /** One start: the digest of the sources is taken when the cache is made, as at a start. */
    const start = (inputs: unknown = null, files: string[] = []) => {
      const cache = new StartCache(dir, logger, ['data-files'], root);
      return cache.get(
        'model',
        classes,
        () => {
          const words = readFileSync(join(root, 'data-files', 'words.txt'), 'utf8').split(' ');
          builds.push(words.join(' '));
          return new Model(words);
        },
        { files, inputs },
      );
    };
    const snapshots = () => readdirSync(dir).filter((f) => f.endsWith('.snapshot'));
    return { root, dir, logs, builds, start, snapshots };
  }

  it('builds at the first start, reads back at the next, kept 0600 in a 0700 folder', () => {
    const { dir, builds, start, snapshots } = setUp();
    const first = start();
    expect(first.cached).toBe(false);
    const second = start();
    expect(second.cached).toBe(true);
    expect(second.value).toBeInstanceOf(Model);
    expect(second.value.count()).toBe(3);
    expect(builds).toEqual(['un deux trois']);
    expect(snapshots()).toHaveLength(1);
    expect(statSync(join(dir, snapshots()[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('never serves what a source, a file named or an input changed since: builds again, keeps only the new one', () => {
    const { root, builds, start, snapshots } = setUp();
    start();
    writeFileSync(join(root, 'data-files', 'words.txt'), 'un deux trois quatre');
    const changed = start();
    expect(changed.cached).toBe(false);
    expect(changed.value.count()).toBe(4);
    expect(snapshots()).toHaveLength(1);
    // A file added to a source folder counts too.
    writeFileSync(join(root, 'data-files', 'more.txt'), 'x');
    expect(start().cached).toBe(false);
    // Sentences staff assigned (an input) make another model.
    expect(start([{ text: 'quand', intent: 'sanction_formation' }]).cached).toBe(false);
    expect(start([{ text: 'quand', intent: 'sanction_formation' }]).cached).toBe(true);
    expect(start([]).cached).toBe(false);
    // A file outside the sources, named by the configuration (a sheet elsewhere).
    const sheet = join(root, 'sheet.yaml');
    writeFileSync(sheet, 'a: 1');
    expect(start([], [sheet]).cached).toBe(false);
    expect(start([], [sheet]).cached).toBe(true);
    writeFileSync(sheet, 'a: 2');
    expect(start([], [sheet]).cached).toBe(false);
    expect(builds).toHaveLength(7);
  });

  it('builds again, with a warning, when the snapshot on disk is damaged or unreadable', () => {
    const { dir, logs, start, snapshots } = setUp();
    start();
    const file = join(dir, snapshots()[0]!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(file, bytes);
    const again = start();
    expect(again.cached).toBe(false);
    expect(again.value.count()).toBe(3);
    expect(logs.messages()).toContain('start cache: cannot read it back, building it again');
    expect(start().cached).toBe(true);
  });

  it('serves the value built, with a warning, when it cannot be kept (a refused graph, a folder it cannot write)', () => {
    const { root, logs } = setUp();
    const logger = pino({ level: 'warn' }, logs);
    const refused = new StartCache(join(root, 'cache'), logger, ['data-files'], root).get('odd', {}, () => ({
      f: () => 1,
    }));
    expect(refused.value.f()).toBe(1);
    const readOnly = join(root, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const unwritable = new StartCache(join(readOnly, 'cache'), logger, ['data-files'], root).get(
      'model',
      classes,
      () => new Model(['a']),
    );
    expect(unwritable.value.count()).toBe(1);
    expect(
      logs.messages().filter((m) => m === 'start cache: odd not kept' || m === 'start cache: model not kept'),
    ).toHaveLength(process.getuid?.() === 0 ? 1 : 2);
  });

  it('names every class the checked data and a trained understanding hold (else they are not kept)', () => {
    expect(() => snapshot(loadAssistantData(), ASSISTANT_CLASSES)).not.toThrow();
    expect(() =>
      snapshot(trainUnderstander([{ text: 'quand est l examen', intent: 'sanction_formation' }]), ASSISTANT_CLASSES),
    ).not.toThrow();
  }, 60_000);
});

describe('the app with a start cache (buildApp, CACHE_DIR)', () => {
  /** Two starts on one cache folder, as two npm starts are: the second reads back, both answer alike. */
  it('builds at the first start, reads back at the next, and answers the same; a sheet edited is read again', async () => {
    const connector = new StandInConnector();
    await connector.start();
    const dir = tempDir('app-cache-');
    // The fixture second sheet, with intents of its own (its knowledge file's folder is part of the key).
    const sheetDir = join(dir, 'sheet');
    cpSync(join(import.meta.dirname, 'fixtures', 'second-sheet'), sheetDir, { recursive: true });
    const env = { ASSISTANT_TODAY: '2026-11-26', LOG_LEVEL: 'info', KNOWLEDGE_FILE: join(sheetDir, 'knowledge.yaml') };
    const start = async (question: string) => {
      const logs = new LogLines();
      const cache = new StartCache(join(dir, 'cache'), pino({ level: 'info' }, logs));
      // train: undefined — trained as npm start trains, through the cache (the tests' shared model otherwise).
      const app = await startApp(env, { cache, train: undefined });
      const conversation = `cache-${Math.random()}`;
      await postMessage(app.url, connector.url, conversation, question);
      await app.stop();
      const said = connector.received.filter((r) => r.conversationId === conversation).map((r) => r.activity.text);
      const cached = logs.lines.filter((l) => l.msg === 'start cache: read back').map((l) => l.kind);
      return { said, cached };
    };
    const question = "c'est quand l'examen ?";
    const first = await start(question);
    expect(first.cached).toEqual([]);
    const second = await start(question);
    expect(second.cached).toEqual(['data', 'understanding']);
    expect(second.said).toEqual(first.said);
    expect(second.said.join(' ')).not.toBe('');
    // The sheet's own training file changes: both are built again from the files.
    const training = join(sheetDir, 'intents', 'training');
    const file = join(training, readdirSync(training)[0]!);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect((await start(question)).cached).toEqual([]);
    await connector.stop();
  }, 180_000);
});
