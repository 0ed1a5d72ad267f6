/**
 * npm run soak -- --conversations N --minutes M [--url http://127.0.0.1:3978 [--pid PID]] [--think-ms T]
 *                 [--ramp-s R] [--report-every S] [--out FILE]
 *
 * Drives N conversations at once over loopback, closed loop: each learner sends a French question, waits
 * for the turn to end (the HTTP answer, sent once the replies have reached the connector), pauses
 * `--think-ms` (default 30 000, ± half: a learner reads the answer and types the next question), then
 * asks the next. Learners arrive spread over the first `--ramp-s` seconds (default 30), not all in the
 * same millisecond. A conversation ends after 8 to 20 turns and a new learner takes its place, so
 * per-conversation memory is exercised, not just kept. Ctrl+C ends the run early, with its summary. Every `--report-every` seconds (default 30) it prints the turns, errors, p50/p99 latency
 * and the server's resident memory; at the end a summary, memory over time, and a JSON file (`--out`).
 *
 * Without --url it starts the server itself (`tsx src/main.ts`, loopback, its own temporary data
 * folder) and reads its RSS from /proc/<pid>/status; with --url it drives that server, and reads the RSS
 * of --pid when given. A server started here also reports, every `--heap-every` seconds (default 120;
 * 0: never), its live heap right after a full collection (bench/soak-heap-probe.ts): what a leak
 * raises, where RSS also moves with the collector's timing. Each collection pauses the server briefly. Replies go to a stand-in connector in this process (loopback, allowed in local
 * mode). An error is: a status other than 200, no answer within 30 s, a turn that sent no message, the
 * apology of a failed turn (« problème technique »), or an error line in the server's log (when it was
 * started here). Exits 1 when there was any error.
 */

import { spawn } from 'node:child_process';
import { createServer, Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '50' },
    minutes: { type: 'string', default: '1' },
    url: { type: 'string' },
    pid: { type: 'string' },
    'think-ms': { type: 'string', default: '30000' },
    'ramp-s': { type: 'string', default: '30' },
    'report-every': { type: 'string', default: '30' },
    'heap-every': { type: 'string', default: '120' },
    out: { type: 'string', default: `data/soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json` },
  },
});

function positive(name: string, value: string | undefined, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    console.error(`--${name}: expected a positive ${integer ? 'whole ' : ''}number, got « ${value} »`);
    process.exit(2);
  }
  return n;
}
const CONVERSATIONS = positive('conversations', args.conversations, true);
const DURATION_MS = positive('minutes', args.minutes) * 60_000;
const THINK_MS = Number(args['think-ms']);
const RAMP_MS = Number(args['ramp-s']) * 1000;
const REPORT_MS = positive('report-every', args['report-every']) * 1000;
const HEAP_MS = Number(args['heap-every']) * 1000;
const TURN_TIMEOUT_MS = 30_000;

/** Questions learners ask (README, development sets' style), answers to the guided dialogs, commands. */
const QUESTIONS = [
  "c'est quand l'exam ?",
  'combien ça coûte ?',
  "j'habite à Lille, quel rectorat ?",
  "J'ai eu 14/20 en juin 2026, c'est valable jusqu'à quand ?",
  "je veux m'inscrire",
  'aide',
  'menu',
  'annuler',
  "combien dure l'épreuve ?",
  "c'est un oral ou un écrit ?",
  'il faut quelle note pour valider ?',
  'est-ce que je peux passer seulement le bloc 4 ?',
  "on reçoit quoi après l'examen ?",
  'je suis salarié, je peux le passer ?',
  'bonjour',
  'c kan les inscriptions',
  'ou s inscrire a l examen',
  'je termine ma formation en mars',
  'Plus de détails',
  'merci beaucoup',
  'oui',
  'non',
  "qui délivre l'attestation ?",
  'et à Marseille ?',
  "j'ai eu 9 en juin 2025",
  'recommencer',
  'je veux parler à un conseiller',
  "c'est gratuit ?",
  'Comment faire un gâteau au chocolat ?',
  "l'attestation est valable combien de temps ?",
];

/** `load1`: the machine's one-minute load average, since a shared machine slows every figure. */
interface Sample {
  atS: number;
  turns: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number | null;
  turnsPerS: number;
  load1: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** The channel's connector: counts the messages the bot sends to each conversation, keeps nothing else. */
async function startConnector(): Promise<{
  url: string;
  replies: Map<string, { messages: number; apologies: number }>;
  stop: () => Promise<void>;
}> {
  const replies = new Map<string, { messages: number; apologies: number }>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities/);
      if (m && req.method === 'POST') {
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; text?: string };
        const seen = replies.get(decodeURIComponent(m[1]!));
        if (seen && activity.type === 'message') {
          seen.messages++;
          if (/problème technique/i.test(activity.text ?? '')) seen.apologies++;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `r-${Date.now()}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ROOT = new URL('..', import.meta.url).pathname;

interface Server {
  url: string;
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `tsx src/main.ts` on a free loopback port with a temporary data folder, as a learner-facing server
 * runs (local mode: no App ID); waits for /healthz (a minute at most: the machine may be busy).
 */
async function startServer(): Promise<Server> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const data = mkdtempSync(join(tmpdir(), 'soak-data-'));
  // --expose-gc and the probe: the live heap after a full collection, on SIGUSR2 (see the top of this file).
  const node = ['--expose-gc', '--import', 'tsx', '--import', './bench/soak-heap-probe.ts', 'src/main.ts'];
  const child = spawn(process.execPath, node, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      LOG_LEVEL: 'warn',
      ASSISTANT_TODAY: '2026-11-26',
      TRANSCRIPTS_FILE: join(data, 'transcripts.sqlite'),
      STAFF_FILE: join(data, 'staff.sqlite'),
      STATE_FILE: join(data, 'state.sqlite'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl+C in the terminal ends the soak, which then stops the server itself.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start within 60 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const exited = once(child, 'exit');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

let bot: Server | undefined;

async function main(): Promise<void> {
  let target = args.url?.replace(/\/$/, '');
  let pid = args.pid ? Number(args.pid) : undefined;
  if (!target) {
    console.log('starting the server (tsx src/main.ts, loopback, temporary data folder)…');
    bot = await startServer();
    target = bot.url;
    pid = bot.pid;
  }
  const connector = await startConnector();
  const base = new URL(target);
  // A connection per turn, as a channel whose learner paused longer than the server's keep-alive (5 s)
  // opens one: a socket kept across a 30 s pause races the server closing it (« read ECONNRESET » on the
  // client, the request never sent), which is the load generator's failure, not the server's.
  const agent = new Agent({ keepAlive: THINK_MS < 2000, maxSockets: CONVERSATIONS + 10 });
  const run = Date.now().toString(36);

  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path: '/api/messages',
          method: 'POST',
          agent,
          timeout: TURN_TIMEOUT_MS,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TURN_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });

  const errors = new Map<string, number>();
  const error = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  const all: number[] = [];
  let window: number[] = [];
  let windowErrors = 0;
  let windowStarted = Date.now();
  let turns = 0;
  const samples: Sample[] = [];
  const started = Date.now();
  let deadline = started + DURATION_MS;
  // Ctrl+C: the learners stop after their current turn, and the summary is printed as at the end.
  process.once('SIGINT', () => {
    deadline = Date.now();
  });
  let serverErrorLines = 0;
  /** The first error lines the server logged (message and error only: they hold no learner text). */
  const serverErrorsSeen: string[] = [];
  const countServerErrors = () => {
    if (!bot) return 0;
    const lines = bot
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    for (const line of lines.slice(serverErrorLines, 20)) {
      try {
        const { msg, err } = JSON.parse(line) as { msg?: string; err?: { message?: string } };
        serverErrorsSeen.push(`${msg ?? ''}${err?.message ? `: ${err.message}` : ''}`.slice(0, 300));
      } catch {
        serverErrorsSeen.push(line.slice(0, 300));
      }
    }
    const fresh = lines.length - serverErrorLines;
    serverErrorLines = lines.length;
    return fresh;
  };

  const activity = (conversationId: string, learner: string, n: number, extra: Record<string, unknown>) =>
    JSON.stringify({
      channelId: 'emulator',
      serviceUrl: connector.url,
      id: `${conversationId}-${n}`,
      timestamp: new Date().toISOString(),
      locale: 'fr-FR',
      from: { id: learner, role: 'user' },
      recipient: { id: 'assistant', role: 'bot' },
      conversation: { id: conversationId },
      ...extra,
    });

  /** One learner after another in this slot, until the deadline. */
  async function slot(index: number): Promise<void> {
    let generation = 0;
    await new Promise((r) => setTimeout(r, Math.random() * RAMP_MS));
    while (Date.now() < deadline) {
      const conversationId = `soak-${run}-${index}-${generation++}`;
      const learner = `learner-${index}-${generation}`;
      const seen = { messages: 0, apologies: 0 };
      connector.replies.set(conversationId, seen);
      const length = 8 + Math.floor(Math.random() * 13);
      let question = Math.floor(Math.random() * QUESTIONS.length);
      for (let n = 0; n <= length && Date.now() < deadline; n++) {
        // The channel opens the conversation first (the bot greets), then the learner writes.
        const body =
          n === 0
            ? activity(conversationId, learner, n, {
                type: 'conversationUpdate',
                membersAdded: [{ id: 'assistant' }, { id: learner }],
              })
            : activity(conversationId, learner, n, { type: 'message', text: QUESTIONS[question++ % QUESTIONS.length] });
        const before = { ...seen };
        const t0 = performance.now();
        try {
          const status = await post(body);
          const ms = performance.now() - t0;
          all.push(ms);
          window.push(ms);
          turns++;
          if (status !== 200) {
            error(`status ${status}`);
            windowErrors++;
          } else if (n > 0 && seen.messages === before.messages) {
            error('no reply');
            windowErrors++;
          } else if (seen.apologies > before.apologies) {
            error('failed turn (apology)');
            windowErrors++;
          }
        } catch (err) {
          error((err as Error).message.slice(0, 80));
          windowErrors++;
        }
        // The pause, cut at the end of the run: nobody waits past it.
        await new Promise((r) =>
          setTimeout(r, Math.max(0, Math.min(THINK_MS * (0.5 + Math.random()), deadline - Date.now()))),
        );
      }
      connector.replies.delete(conversationId);
    }
  }

  const report = () => {
    const sorted = window.sort((a, b) => a - b);
    const serverErrors = countServerErrors();
    if (serverErrors > 0) {
      errors.set('server logged an error', (errors.get('server logged an error') ?? 0) + serverErrors);
      windowErrors += serverErrors;
    }
    const s: Sample = {
      atS: Math.round((Date.now() - started) / 1000),
      turns: sorted.length,
      errors: windowErrors,
      p50Ms: Math.round(percentile(sorted, 0.5)),
      p99Ms: Math.round(percentile(sorted, 0.99)),
      rssMb: rssMb(pid),
      turnsPerS: Math.round((sorted.length / Math.max(0.001, (Date.now() - windowStarted) / 1000)) * 10) / 10,
      load1: Math.round(loadavg()[0]! * 10) / 10,
    };
    samples.push(s);
    console.log(
      `${String(s.atS).padStart(5)} s  turns ${String(s.turns).padStart(6)} (${s.turnsPerS}/s)  errors ${s.errors}  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  RSS ${s.rssMb ?? 'n/a'} MB  load ${s.load1}`,
    );
    window = [];
    windowErrors = 0;
    windowStarted = Date.now();
  };

  /** The live heap right after a full collection, from the probe of a server started here (not with --url). */
  const heap: { atS: number; heapUsedMb: number }[] = [];
  const sampleHeap = async (): Promise<void> => {
    const server = bot;
    if (!server || HEAP_MS <= 0) return;
    const reported = () => [...server.output().matchAll(/\{"soakHeapUsedMb":([\d.]+)\}/g)];
    const before = reported().length;
    try {
      process.kill(server.pid, 'SIGUSR2');
    } catch {
      return; // the server is gone; its exit is reported elsewhere
    }
    for (const until = Date.now() + 5000; Date.now() < until;) {
      const lines = reported();
      if (lines.length > before) {
        heap.push({ atS: Math.round((Date.now() - started) / 1000), heapUsedMb: Number(lines.at(-1)![1]) });
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const heapTimer = bot && HEAP_MS > 0 ? setInterval(() => void sampleHeap(), HEAP_MS) : undefined;

  const rssAtStart = rssMb(pid);
  console.log(
    `soak: ${CONVERSATIONS} conversations for ${DURATION_MS / 60_000} min against ${target}, think time ${THINK_MS} ms ± half, arriving over ${RAMP_MS / 1000} s, RSS at start ${rssAtStart ?? 'n/a'} MB`,
  );
  const timer = setInterval(report, REPORT_MS);
  await Promise.all(Array.from({ length: CONVERSATIONS }, (_, i) => slot(i)));
  clearInterval(timer);
  clearInterval(heapTimer);
  if (window.length > 0 || samples.length === 0) report();
  // The last point of the heap line: where the run ended (unless the timer took it just now).
  const lastHeapAt = heap.at(-1)?.atS;
  if (lastHeapAt === undefined || Date.now() - started - lastHeapAt * 1000 > 5000) await sampleHeap();

  const sorted = all.sort((a, b) => a - b);
  const rss = samples.map((s) => s.rssMb).filter((v): v is number => v !== null);
  // Memory is "flat" when the last third of the run stays within 10 % of the first third (after
  // start-up), both its floor (RSS just after a collection: what a leak raises) and its peak (the
  // collector's sawtooth); growth that continues is a leak, a plateau reached early is caches filling.
  const third = Math.max(1, Math.floor(rss.length / 3));
  const firstThird = rss.slice(0, third);
  const lastThird = rss.slice(-third);
  const flat =
    rss.length >= 3
      ? Math.min(...lastThird) <= Math.min(...firstThird) * 1.1 &&
        Math.max(...lastThird) <= Math.max(...firstThird) * 1.1
      : null;
  // A leak raises the live heap from one full collection to the next; the first sample is taken once
  // the server has its working set (caches filled by the first conversations).
  const heapFlat = heap.length >= 2 ? heap.at(-1)!.heapUsedMb <= heap[0]!.heapUsedMb * 1.1 : null;
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const summary = {
    conversations: CONVERSATIONS,
    minutes: DURATION_MS / 60_000,
    thinkMs: THINK_MS,
    rampS: RAMP_MS / 1000,
    target,
    turns,
    errors: errorCount,
    errorsByKind: Object.fromEntries(errors),
    turnsPerSecond: Math.round((turns / ((Date.now() - started) / 1000)) * 10) / 10,
    latencyMs: {
      p50: Math.round(percentile(sorted, 0.5)),
      p95: Math.round(percentile(sorted, 0.95)),
      p99: Math.round(percentile(sorted, 0.99)),
      max: Math.round(sorted.at(-1) ?? 0),
    },
    rssMb: { start: rssAtStart, end: rss.at(-1) ?? null, max: rss.length ? Math.max(...rss) : null, flat },
    heapAfterGcMb: { samples: heap, flat: heapFlat },
    serverErrors: serverErrorsSeen,
    samples,
  };
  console.log('\nsummary');
  console.log(
    `  turns ${turns} (${summary.turnsPerSecond}/s), errors ${errorCount}${errorCount ? ` ${JSON.stringify(summary.errorsByKind)}` : ''}`,
  );
  for (const line of serverErrorsSeen) console.log(`  server: ${line}`);
  console.log(
    `  latency p50 ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms, p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms`,
  );
  console.log(
    `  memory over time (RSS MB, every ${REPORT_MS / 1000} s): ${rssAtStart ?? 'n/a'} | ${rss.join(' ') || 'n/a'}`,
  );
  const range = (xs: number[]) => (xs.length ? `${Math.min(...xs)}–${Math.max(...xs)} MB` : 'n/a');
  console.log(
    `  memory ${flat === null ? 'not judged (fewer than 3 samples or no PID)' : flat ? 'flat' : 'GROWING'}: first third ${range(firstThird)}, last third ${range(lastThird)}`,
  );
  if (heap.length > 0)
    console.log(
      `  live heap after a full collection (MB, at ${heap.map((h) => `${h.atS} s`).join(', ')}): ${heap.map((h) => h.heapUsedMb).join(' ')} — ${heapFlat === null ? 'not judged (one sample)' : heapFlat ? 'flat' : 'GROWING'} (the last at most 10 % above the first)`,
    );
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`  written to ${args.out}`);

  agent.destroy();
  await connector.stop();
  await bot?.stop();
  process.exit(errorCount > 0 ? 1 : 0);
}

main().catch(async (err: unknown) => {
  console.error(`soak failed: ${(err as Error).message}`);
  await bot?.stop();
  process.exit(1);
});
