import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createServer as createHttpServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { dataFiles, tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * One start cache (src/cache/start-cache.ts) for every process the tests start: the first start trains
 * the understanding and keeps it, the others read it back (about 1 s instead of 3 s or more each). It
 * is keyed by the digest of every source, so a change trains again; test/start-cache.test.ts checks
 * both paths on folders of its own.
 */
export const SHARED_START_CACHE = join(ROOT, 'node_modules/.cache/assistant-tests/start-cache');

/** A free loopback port (bound then released). */
export async function freePort(): Promise<number> {
  const s = createHttpServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface RunningBot {
  pid: number;
  port: number;
  url: string;
  output: () => string;
  /** SIGTERM, SIGKILL after 5 s. */
  stop: () => Promise<void>;
  /** kill -9: no shutdown code runs. */
  crash: () => Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** The exit code, or null while it runs. */
  exitCode: () => number | null;
}

/**
 * Starts the bot the way `npm start` does (scripts/start.js: the server's bundle, built first when its
 * sources changed), on a loopback port; stops it by its PID.
 */
export async function startBot(env: Record<string, string> = {}): Promise<RunningBot> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MicrosoftAppId: '',
      LOG_LEVEL: 'warn',
      // Each server gets its own transcript database, outside the project.
      ...dataFiles(tempDir('bot-data-')),
      CACHE_DIR: SHARED_START_CACHE,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  // About 3 s on a quiet machine (a second from the cache); a minute or more when the machine is shared with other jobs.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}: ${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      process.kill(child.pid!, 'SIGKILL');
      throw new Error(`bot did not start in time: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    exited,
    exitCode: () => child.exitCode ?? (child.signalCode ? -1 : null),
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
    pid: child.pid!,
    port,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    },
  };
}

/** A stand-in Bot Framework connector: receives the activities the bot posts back. */
export class StandInConnector {
  readonly received: { conversationId: string; activity: Record<string, unknown> }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly host = '127.0.0.1',
    /** How long it takes to accept each reply: the bot's turns stay in flight that long. */
    private readonly delayMs = 0,
  ) {}

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8'); // decoded as a stream: a character split between two chunks stays whole
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        const m = req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities/);
        const accept = () => {
          if (m && req.method === 'POST')
            this.received.push({
              conversationId: decodeURIComponent(m[1]!),
              activity: JSON.parse(body) as Record<string, unknown>,
            });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: `reply-${this.received.length}` }));
        };
        if (this.delayMs > 0) setTimeout(accept, this.delayMs);
        else accept();
      });
    });
    this.server.listen(0, this.host);
    await once(this.server, 'listening');
    this.url = `http://${this.host}:${(this.server.address() as AddressInfo).port}/`;
  }

  messagesFor(conversationId: string): Record<string, unknown>[] {
    return this.received
      .filter((r) => r.conversationId === conversationId && r.activity.type === 'message')
      .map((r) => r.activity);
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}
