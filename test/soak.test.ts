import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_START_CACHE } from './server-process.ts';
import { tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * A smoke test of `npm run soak` (the real soak runs ten minutes by hand, see bench/soak.ts): a few
 * conversations for a few seconds against a server the script starts itself, as a process, since what is
 * tested is the script's own start, report and exit.
 */
describe('npm run soak', () => {
  it('drives conversations, reports every interval and writes its figures', async () => {
    const out = join(tempDir('soak-'), 'soak.json');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/soak.ts',
        '--conversations',
        '5',
        '--minutes',
        '0.1',
        '--report-every',
        '2',
        '--heap-every',
        '2',
        '--think-ms',
        '50',
        '--ramp-s',
        '1',
        '--out',
        out,
      ],
      // Its server's files (soak-data-…) in a folder of this test's, removed after it. Its server reads
      // the checked data and the trained understanding back from the start cache the other processes
      // the tests start share (test/server-process.ts), instead of training in a cache of its own
      // (data/cache): what is tested is the soak's drive, report and exit, not a start from nothing.
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TMPDIR: tempDir('soak-tmp-'), CACHE_DIR: SHARED_START_CACHE },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code, output).toBe(0);
    // A line per interval: turns, errors, latency, the server's RSS read from /proc.
    expect(output).toMatch(
      /^\s+\d+ s {2}turns +\d+ \([\d.]+\/s\) {2}errors 0 {2}p50 \d+ ms {2}p99 \d+ ms {2}RSS [\d.]+ MB {2}load [\d.]+$/m,
    );
    expect(output).toMatch(/memory over time \(RSS MB, every 2 s\): [\d.]+ \| [\d. ]+/);
    // The live heap after full collections, from the probe loaded into the server the soak started.
    expect(output).toMatch(
      /live heap after a full collection \(MB, at \d+ s(, \d+ s)+\): [\d.]+( [\d.]+)+ — (flat|GROWING)/,
    );
    const summary = JSON.parse(readFileSync(out, 'utf8')) as {
      turns: number;
      samples: { rssMb: number }[];
      latencyMs: { p99: number };
      heapAfterGcMb: { samples: { heapUsedMb: number }[] };
    };
    expect(summary).toMatchObject({ conversations: 5, errors: 0 });
    expect(summary.turns).toBeGreaterThan(20);
    expect(summary.samples.length).toBeGreaterThanOrEqual(2);
    for (const s of summary.samples) expect(s.rssMb).toBeGreaterThan(50);
    expect(summary.latencyMs.p99).toBeGreaterThan(0);
    expect(summary.heapAfterGcMb.samples.length).toBeGreaterThanOrEqual(2);
    // A live heap, below the RSS it is part of: what the server's own memoryUsage() said.
    for (const h of summary.heapAfterGcMb.samples) {
      expect(h.heapUsedMb).toBeGreaterThan(10);
      expect(h.heapUsedMb).toBeLessThan(Math.max(...summary.samples.map((s) => s.rssMb)));
    }
  }, 120_000);
});
