import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { breach, startFuzzTarget, type FuzzTarget, type Reply } from './fuzz-target.ts';

/**
 * Replay fuzz: request bodies as real clients send them — the Bot Framework Emulator, Web Chat on
 * Azure Direct Line, the widget's Web Chat posting to the local Direct Line (fixtures/replay/) and Teams
 * (fixtures/teams/, the shapes of its documentation) — replayed first as recorded (they must work),
 * then mutated: a field deleted, its type swapped, its value replaced by an odd string, the JSON cut
 * short, several of these at once, the same body sent twice. Mutants stay close to what channels send,
 * so they reach the turn code that random JSON never gets past the validation to.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz-replay: FUZZ_SEED=${SEED}`);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.round(n * SCALE), endOnFailure: false });

type Json = Record<string, unknown>;
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The corpus: [where it came from, the recorded activity]; {{serviceUrl}} is the stand-in connector. */
function corpus(serviceUrl: string): { botSide: [string, Json][]; pageSide: [string, Json][] } {
  const read = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8').replaceAll('{{serviceUrl}}', serviceUrl)) as Json;
  const botSide: [string, Json][] = [];
  for (const file of ['emulator.json', 'webchat.json']) {
    for (const a of read(join(FIXTURES, 'replay', file)).activities as Json[]) botSide.push([file, a]);
  }
  for (const file of readdirSync(join(FIXTURES, 'teams'))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    for (const step of read(join(FIXTURES, 'teams', file)).steps as Json[][])
      for (const a of step) botSide.push([`teams/${file}`, a]);
  }
  const pageSide = (read(join(FIXTURES, 'replay', 'webchat-page.json')).activities as Json[]).map(
    (a): [string, Json] => ['webchat-page.json', a],
  );
  return { botSide, pageSide };
}

/** Every path into a value (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [
    [...prefix, k],
    ...paths((value as Record<string | number, unknown>)[k], [...prefix, k]),
  ]);
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> {
  return path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (node, key) => node[key] as Record<string | number, unknown>,
      root as Record<string | number, unknown>,
    );
}

const ODD = [
  '',
  ' ',
  '\u0000',
  '\u200b\u200d\ufeff',
  '\u202e',
  '🙂👩‍🎓',
  'مرحبا',
  '考试',
  '<script>alert(1)</script>',
  '<at>x</at>',
  '&#39;&nbsp;',
  '**x**',
  '__proto__',
  'constructor',
  '\ud800',
  '9'.repeat(400),
  'é'.repeat(600),
  'x'.repeat(5000),
  'javascript:alert(1)',
  'http://169.254.169.254/',
  'a|0000001',
  '%00',
];

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'retype'; at: number; to: unknown }
  | { kind: 'odd'; at: number; to: string }
  | { kind: 'duplicateKey'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('retype' as const),
    at: fc.nat(),
    to: fc.constantFrom<unknown>(null, 0, -1, 1e308, true, 'x', [], {}, [1, 'a'], { id: 7 }, [{}]),
  }),
  fc.record({
    kind: fc.constant('odd' as const),
    at: fc.nat(),
    to: fc.oneof(fc.constantFrom(...ODD), fc.string({ unit: 'grapheme', maxLength: 30 })),
  }),
  fc.record({ kind: fc.constant('duplicateKey' as const), at: fc.nat() }),
);

/** The recorded body with the mutations applied (each at a path chosen among the body's own). */
function mutate(recorded: Json, mutations: Mutation[]): string {
  const value = structuredClone(recorded) as unknown;
  let duplicate: string | undefined;
  for (const m of mutations) {
    const all = paths(value);
    if (all.length === 0) break;
    const path = all[m.at % all.length]!;
    const parent = parentOf(value, path);
    const key = path.at(-1)!;
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (m.kind === 'retype' || m.kind === 'odd') {
      parent[key] = structuredClone(m.to); // a fresh copy: a later mutation must not edit a shared value
    } else if (typeof key === 'string' && path.length === 1) {
      duplicate = key; // JSON may repeat a key: the last one wins in JSON.parse
    }
  }
  const text = JSON.stringify(value);
  return duplicate ? text.replace(/^\{/, `{"${duplicate}":{"dup":[1,{"x":null}]},`) : text;
}

let t: FuzzTarget;
let botSide: [string, Json][];
let pageSide: [string, Json][];
beforeAll(async () => {
  t = await startFuzzTarget();
  ({ botSide, pageSide } = corpus(t.connector.url));
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  expect((await t.send('GET', '/healthz')).status).toBe(200);
  expect(t.takeErrors()).toEqual([]);
});
/** Thousands of requests on a machine shared with other jobs. */
const TIMEOUT = 180_000;

let cases = 0;
async function expectHandled(reply: Reply, allowed: readonly number[], recorded = false): Promise<void> {
  const problem = await breach(t, reply, allowed, { checkHealth: ++cases % 25 === 0, recorded });
  if (problem) throw new Error(problem);
}

const postBot = (body: string) =>
  t.send('POST', '/api/messages', { headers: { 'content-type': 'application/json' }, body });
const postPage = (conversation: string, body: string) =>
  t.send('POST', `/v3/directline/conversations/${conversation}/activities`, {
    headers: { authorization: `Bearer ${t.directLine.token}`, 'content-type': 'application/json' },
    body,
  });
const BOT_FRAMEWORK = [200, 201, 202, 400, 403, 413, 501] as const;

describe('replay of recorded client traffic', () => {
  it('the corpus as recorded is answered (so the mutants start from real, working traffic)', async () => {
    expect(botSide.length).toBeGreaterThan(30);
    expect(new Set(botSide.map(([, a]) => a.channelId))).toEqual(new Set(['emulator', 'webchat', 'msteams']));
    for (const [from, a] of botSide) {
      const reply = await postBot(JSON.stringify(a));
      // botbuilder answers an invoke nobody handles with 501, as Teams expects.
      expect(
        await breach(t, reply, [200, 501]),
        `${from} ${String(a.type)} ${typeof a.name === 'string' ? a.name : ''}`,
      ).toBeUndefined();
    }
    for (const [from, a] of pageSide) {
      const reply = await postPage(t.directLine.conversations[0]!, JSON.stringify(a));
      expect(reply.status, `${from} ${String(a.type)}`).toBe(200);
    }
  });

  it(
    'mutated bodies to /api/messages (Emulator, Web Chat, Teams): a 4xx or the Bot Framework answer',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (pick, mutations) => {
          const [, recorded] = botSide[pick % botSide.length]!;
          await expectHandled(await postBot(mutate(recorded, mutations)), BOT_FRAMEWORK);
        }),
        runs(1000),
      );
    },
    TIMEOUT,
  );

  it(
    'truncated bodies: 400, never half-read',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.nat(), async (pick, cut) => {
          const body = JSON.stringify(botSide[pick % botSide.length]![1]);
          await expectHandled(await postBot(body.slice(0, cut % body.length)), [400]);
        }),
        runs(300),
      );
    },
    TIMEOUT,
  );

  it(
    'the same recorded activity twice (a channel retrying): both answered',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.boolean(), async (pick, atOnce) => {
          const body = JSON.stringify(botSide[pick % botSide.length]![1]);
          const replies = atOnce
            ? await Promise.all([postBot(body), postBot(body)])
            : [await postBot(body), await postBot(body)];
          for (const reply of replies) await expectHandled(reply, BOT_FRAMEWORK);
        }),
        runs(100),
      );
    },
    TIMEOUT,
  );

  it(
    'mutated Web Chat posts to the local Direct Line: 200 or a 4xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.nat({ max: 1 }),
          fc.boolean(),
          async (pick, mutations, c, truncate) => {
            const body = mutate(pageSide[pick % pageSide.length]![1], mutations);
            const reply = await postPage(
              t.directLine.conversations[c]!,
              truncate ? body.slice(0, pick % body.length) : body,
            );
            await expectHandled(reply, [200, 400, 413]);
          },
        ),
        runs(300),
      );
    },
    TIMEOUT,
  );
});
