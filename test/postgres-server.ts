import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { openPostgres } from '../src/storage/postgres.ts';
import { freePort } from './server-process.ts';

/**
 * A real PostgreSQL for the tests: initdb in a temporary folder, the server on a free loopback port,
 * stopped by its PID. Debian's binaries (/usr/lib/postgresql/<n>/bin, or on PATH). PostgreSQL refuses
 * to run as root: as root, the server runs as the `postgres` user (the Debian package creates it)
 * and its folder is handed to that user.
 */
function binDir(): string | undefined {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions)
    if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return initdb ? initdb.replace(/\/initdb$/, '') : undefined;
  } catch {
    return undefined;
  }
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const BIN = binDir();
const USER = runAs();

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export const postgresMissing: string | undefined = !BIN
  ? 'PostgreSQL binaries not found (apt-get install postgresql): PostgreSQL tests skipped'
  : process.getuid?.() === 0 && !USER
    ? 'running as root without a postgres user: PostgreSQL tests skipped'
    : undefined;

export interface TestPostgres {
  /** Address of the server's default database. */
  url: string;
  pid: number;
  /** A fresh, empty database on this server (one per test keeps tests apart); returns its address. */
  createDatabase: () => Promise<string>;
  /** Fast shutdown by PID (SIGINT), then the folder is removed. */
  stop: () => Promise<void>;
  /** Fast shutdown by PID, the data kept: the database is down until resume(). */
  halt: () => Promise<void>;
  /** Starts the halted server again, on the same port and data. */
  resume: () => Promise<void>;
}

/** Until a client can connect to `url` (the server starting), or `deadline` passes. */
async function untilAccepting(url: string, deadline: number, failed: () => string | undefined): Promise<void> {
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections in time at ${url}: ${(err as Error).message}`, {
          cause: err,
        });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let databases = 0;

/** A fresh, empty database on the server at `url` (one per test keeps tests apart); returns its address. */
async function createDatabaseOn(url: string): Promise<string> {
  // Unique across the files and workers sharing the server.
  const name = `t${process.pid}0${threadId}0${++databases}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/postgres$/, `/${name}`);
}

/**
 * Starts a PostgreSQL server of its own (about a second) on `port`: one per test run
 * (test/postgres-global.ts), or one for a file that stops its database (ownPostgresForThisFile).
 */
export async function startPostgres(port?: number): Promise<TestPostgres> {
  if (postgresMissing) throw new Error(postgresMissing);
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  const ids = USER ? { uid: USER.uid, gid: USER.gid } : {};
  if (USER) chownSync(dir, USER.uid, USER.gid);
  chmodSync(dir, 0o700);
  await promisify(execFile)(
    `${BIN}/initdb`,
    ['-D', data, '-U', 'assistant', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...ids, cwd: dir },
  );
  const at = port ?? (await freePort());
  const url = `postgres://assistant@127.0.0.1:${at}/postgres`;
  let server = await launch(data, dir, at, ids, url);
  // A test run interrupted (a failed setup, Ctrl+C on vitest) must not leave the server running.
  const orphan = () => {
    try {
      process.kill(server.child.pid!, 'SIGINT');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', orphan);
  /** SIGINT is PostgreSQL's fast shutdown: open connections are closed, not waited for. */
  const halt = async () => {
    const { child, exited } = server;
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGINT');
    const late = setTimeout(() => {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(late);
  };
  return {
    url,
    get pid() {
      return server.child.pid!;
    },
    createDatabase: () => createDatabaseOn(url),
    halt,
    resume: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) return;
      server = await launch(data, dir, at, ids, url);
    },
    stop: async () => {
      await halt();
      process.off('exit', orphan);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the server on its folder and port; resolves once it accepts connections. */
async function launch(
  data: string,
  dir: string,
  port: number,
  ids: { uid?: number; gid?: number },
  url: string,
): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  // Durability is not under test: no fsync, so the tests do not wait for the disk.
  const child: ChildProcess = spawn(
    `${BIN}/postgres`,
    [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=100',
    ],
    { ...ids, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => {
    log += d;
  });
  const exited = once(child, 'exit');
  try {
    await untilAccepting(url, Date.now() + 20_000, () =>
      child.exitCode !== null ? `PostgreSQL exited with ${child.exitCode}: ${log}` : undefined,
    );
  } catch (err) {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return { child, exited };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Address of the default database of the run's PostgreSQL (test/postgres-global.ts); empty when absent. */
    postgresUrl: string;
  }
}

/** The run's PostgreSQL, shared by every file (started once by test/postgres-global.ts). */
export interface SharedPostgres {
  url: string;
  createDatabase: () => Promise<string>;
}

/**
 * The run's PostgreSQL server for the calling test file (each test takes fresh databases on it), with
 * the pools opened on it (each on a fresh database unless given an address) closed after the file.
 */
export function postgresForThisFile(): {
  server: () => SharedPostgres;
  pool: (url?: string) => Promise<pg.Pool>;
  pools: pg.Pool[];
} {
  let server: SharedPostgres | undefined;
  const pools: pg.Pool[] = [];
  if (postgresMissing) console.warn(postgresMissing);
  beforeAll(async () => {
    if (postgresMissing) return;
    const url = inject('postgresUrl');
    if (!url)
      throw new Error('no PostgreSQL for this run: test/postgres-global.ts is the globalSetup of vitest.config.ts');
    // The server may still be starting: it is started beside the workers, not before them.
    await untilAccepting(url, Date.now() + 60_000, () => undefined);
    server = { url, createDatabase: () => createDatabaseOn(url) };
  }, 90_000);
  afterAll(async () => {
    for (const p of pools.splice(0)) await p.end();
  });
  return {
    server: () => server!,
    pools,
    pool: async (url) => {
      const p = await openPostgres(url ?? (await server!.createDatabase()));
      pools.push(p);
      return p;
    },
  };
}

/**
 * A PostgreSQL server of the calling file's own (about a second more), for the tests that stop the
 * database (halt/resume): halting the run's server would fail the files running beside them. Started
 * before the file's tests, stopped after them, its pools closed first.
 */
export function ownPostgresForThisFile(): {
  server: () => TestPostgres;
  pool: (url?: string) => Promise<pg.Pool>;
  pools: pg.Pool[];
} {
  let server: TestPostgres | undefined;
  const pools: pg.Pool[] = [];
  if (postgresMissing) console.warn(postgresMissing);
  // Generous: initdb and a start take a second alone, many times that on a machine shared with other runs.
  beforeAll(async () => {
    if (!postgresMissing) server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const p of pools.splice(0)) await p.end();
    await server?.stop();
  });
  return {
    server: () => server!,
    pools,
    pool: async (url) => {
      const p = await openPostgres(url ?? (await server!.createDatabase()));
      pools.push(p);
      return p;
    },
  };
}
