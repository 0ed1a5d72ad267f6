/**
 * npm run bench is not a test (its figures depend on the machine), but what it writes is relied on:
 * the keys of bench/results.json, BENCHMARKS.md in step with it, and the tools that compute the
 * figures (the closed loop, the profile reader) — checked here, quickly, in process.
 */
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { missingKeys, RESULT_KEYS } from '../bench/lib/results.ts';
import { CountingConnector, closedLoop, combine } from '../bench/lib/http-load.ts';
import { partOf, summarize } from '../bench/lib/profile.ts';
import { tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;

describe('bench results', () => {
  it('bench/results.json has a number for every key the issue names, and BENCHMARKS.md shows that run', () => {
    const results = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')) as {
      machine: { commit: string; date: string };
    } & Record<string, unknown>;
    expect(missingKeys(results)).toEqual([]);
    expect(RESULT_KEYS).toContain('http.project.c10.rps');
    const md = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
    expect(md).toContain(`commit ${results.machine.commit}`);
    expect(md).toContain(`Measured ${results.machine.date.slice(0, 16).replace('T', ' ')} UTC`);
  });

  it('a key without a number is reported', () => {
    expect(missingKeys({})).toContain('memory.rssMb50k');
    expect(missingKeys({ http: { project: { c10: { rps: 'fast' } } } })).toContain('http.project.c10.rps');
  });
});

describe('closed loop', () => {
  it('counts the turns of N conversations, each posting when its previous call returned, and the replies the connector got', async () => {
    const connector = new CountingConnector();
    await connector.start();
    // A bot in miniature: one reply to the activity's serviceUrl, then 200.
    const bot = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const a = JSON.parse(body) as { serviceUrl: string; conversation: { id: string } };
        const r = request(
          `${a.serviceUrl}v3/conversations/${encodeURIComponent(a.conversation.id)}/activities`,
          { method: 'POST' },
          (reply) => {
            reply.resume();
            reply.on('end', () => {
              res.writeHead(200);
              res.end();
            });
          },
        );
        r.end('{}');
      });
    });
    bot.listen(0, '127.0.0.1');
    await once(bot, 'listening');
    try {
      const sample = await closedLoop(
        (bot.address() as AddressInfo).port,
        connector.url,
        ['bonjour'],
        4,
        0.3,
        0.1,
        't',
      );
      const r = combine([sample]);
      expect(r.turns).toBeGreaterThan(4);
      expect(r.errors).toBe(0);
      expect(r.rps).toBeCloseTo(r.turns / r.seconds);
      expect(r.p50ms).toBeLessThanOrEqual(r.p99ms);
      // One reply per POST, warm-up included: what "replies posted per turn" divides.
      expect(connector.posts).toBe(sample.completed);
      expect(sample.completed).toBeGreaterThan(r.turns);
    } finally {
      bot.close();
      await connector.stop();
    }
  });
});

describe('profile reader', () => {
  it('adds self time per function and part, within the window asked', () => {
    const profile = {
      startTime: 1_000,
      endTime: 5_000,
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
        {
          id: 2,
          callFrame: { functionName: 'classify', url: `file://${ROOT}intents/nlu/classifier.ts`, lineNumber: 9 },
        },
        {
          id: 3,
          callFrame: {
            functionName: 'send',
            url: `file://${ROOT}node_modules/botbuilder-core/lib/turnContext.js`,
            lineNumber: 99,
          },
        },
      ],
      // Samples at 1 000, 2 000, 3 000, 4 000 µs: classify, classify, send, classify.
      samples: [2, 2, 3, 2],
      timeDeltas: [0, 1_000, 1_000, 1_000],
    };
    const file = join(tempDir('prof-'), 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const all = summarize(file, ROOT);
    expect(all.functions[0]).toMatchObject({ name: 'classify intents/nlu/classifier.ts:10', ms: 2 });
    expect(all.parts.map((p) => p.name)).toEqual([
      'understanding (intents/nlu, natural)',
      'Bot Framework SDK (botbuilder, connector client, zod)',
    ]);
    const window = summarize(file, ROOT, 15, [2_500, 3_500]);
    expect(window.totalMs).toBe(1);
    expect(window.functions[0]!.name).toBe('send botbuilder-core/lib/turnContext.js:100');
    expect(partOf('better-sqlite3')).toMatch(/SQLite/);
  });
});
