/**
 * What the HTTP part of the bench needs: a stand-in Bot Framework connector that counts the replies it
 * receives (and keeps nothing, so 50 000 conversations cost it no memory), server processes started
 * and stopped by their PID, and a closed-loop load: N conversations, each posting its next message
 * when the previous POST returns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, Agent, type Server } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export class CountingConnector {
  private server: Server | undefined;
  url = '';
  posts = 0;
  private waiters = new Map<string, () => void>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const m = req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities/);
        if (m && req.method === 'POST') {
          this.posts++;
          const id = decodeURIComponent(m[1]!);
          const wake = this.waiters.get(id);
          if (wake) {
            this.waiters.delete(id);
            wake();
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"id":"r${this.posts}"}`);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves when the next reply to this conversation arrives. */
  replyTo(conversationId: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(conversationId, resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Processes the bench started and has not stopped yet: killed by their id if the bench is interrupted. */
export const started = new Set<number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A negative id: the process group of a detached child (npm start → tsx → node).
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    process.exit(130);
  });
}

export interface Proc {
  child: ChildProcess;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns a server and returns once its port accepts connections (or throws after `timeoutMs`). */
export async function startProcess(
  command: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 120_000,
): Promise<Proc> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  });
  child.stderr.on('data', (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  });
  started.add(child.pid!);
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      started.delete(child.pid!);
      r();
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${args.join(' ')} did not listen in time: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, port, output: () => output, stop };
}

export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path: '/', method: 'GET', agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    r.on('error', () => resolve(false));
    r.end();
  });
}

/** Resident memory of a process, from /proc (Linux), in MB. */
export function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

export function activity(connectorUrl: string, conversation: string, n: number, text: string): string {
  return JSON.stringify({
    type: 'message',
    channelId: 'emulator',
    serviceUrl: connectorUrl,
    id: `${conversation}-${n}`,
    locale: 'fr-FR',
    timestamp: new Date().toISOString(),
    from: { id: `user-${conversation}`, name: 'Bench' },
    recipient: { id: 'bot', name: 'Assistant' },
    conversation: { id: conversation },
    text,
  });
}

/** One POST of an activity; resolves with the status once the whole answer is read. */
export function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

export interface LoadResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  turns: number;
  errors: number;
  seconds: number;
}

/** Raw figures of one or several slices of load, merged by `combine`. */
export interface LoadSample {
  latencies: number[];
  errors: number;
  seconds: number;
  /** Every POST answered, warm-up and the last ones after the window included (to count replies per turn). */ completed: number;
}

export function combine(samples: LoadSample[]): LoadResult {
  const latencies = samples.flatMap((s) => s.latencies);
  const seconds = samples.reduce((t, s) => t + s.seconds, 0);
  return {
    rps: latencies.length / seconds,
    p50ms: percentile(latencies, 0.5),
    p99ms: percentile(latencies, 0.99),
    turns: latencies.length,
    errors: samples.reduce((t, s) => t + s.errors, 0),
    seconds,
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * Closed loop: `concurrency` conversations, each posting its next message as soon as the previous POST
 * returns, for `seconds` (after `warmupSeconds` not counted). Conversation ids carry `tag`, so runs
 * never share a conversation.
 */
export async function closedLoop(
  port: number,
  connectorUrl: string,
  messages: readonly string[],
  concurrency: number,
  seconds: number,
  warmupSeconds: number,
  tag: string,
): Promise<LoadSample> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let completed = 0;
  let counting = false;
  let stop = false;
  const worker = async (k: number) => {
    const conversation = `${tag}-${k}`;
    for (let n = 0; !stop; n++) {
      const body = activity(connectorUrl, conversation, n, messages[(n + k) % messages.length]!);
      const t = performance.now();
      const status = await post(agent, port, body).catch(() => 0);
      completed++;
      if (!counting) continue;
      if (status >= 200 && status < 300) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  const workers = Array.from({ length: concurrency }, (_, k) => worker(k));
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  return { latencies, errors, seconds: elapsed, completed };
}

/**
 * `count` distinct conversations of one message each, `concurrency` at a time; calls `at(i)` after
 * each conversation number in `marks` has been answered.
 */
export async function distinctConversations(
  port: number,
  connectorUrl: string,
  messages: readonly string[],
  count: number,
  concurrency: number,
  marks: number[],
  at: (done: number) => void,
): Promise<{ errors: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let done = 0;
  let errors = 0;
  const pending = [...marks].sort((a, b) => a - b);
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const status = await post(
        agent,
        port,
        activity(connectorUrl, `mem-${i}`, 0, messages[i % messages.length]!),
      ).catch(() => 0);
      if (status < 200 || status >= 300) errors++;
      done++;
      while (pending.length && done >= pending[0]!) at(pending.shift()!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { errors, seconds: (performance.now() - t0) / 1000 };
}
