import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { pseudonymize } from '../src/privacy/pseudonym.ts';
import { transcriptsCommand } from '../src/transcripts/transcripts-command.ts';
import { toCsv, writeCsv } from '../src/transcripts/export.ts';
import { SqliteTranscriptStore } from '../src/transcripts/sqlite-store.ts';
import { PostgresTranscriptStore } from '../src/transcripts/postgres-store.ts';
import type { TranscriptEntry, TranscriptStore } from '../src/transcripts/store.ts';
import { postgresForThisFile, postgresMissing } from './postgres-server.ts';
import { tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const KEY = 'cli-test-key-0123456789abcdef';

async function seed(store: TranscriptStore): Promise<void> {
  const user = pseudonymize('learner-42', KEY);
  const e = (direction: 'in' | 'out', text: string, extra: Partial<TranscriptEntry> = {}): TranscriptEntry => ({
    conversationId: 'conv-cli',
    channelId: 'webchat',
    userId: user,
    direction,
    type: 'message',
    text,
    at: new Date(),
    ...extra,
    activity: { type: 'message', text, from: { id: direction === 'in' ? user : 'bot' } },
  });
  await store.record([
    e('in', "combien dure l'épreuve ?"),
    e('out', "L'épreuve dure 2 h 30.", { intent: 'duree_epreuve', confidence: 0.97, status: 'answered' }),
  ]);
  await store.close();
}

/** The CLI on this SQLite file, in this process (what it prints on stdout; a failure throws with stderr). */
function cli(file: string, ...args: string[]): Promise<string> {
  return cliWith({ TRANSCRIPTS_FILE: file }, ...args);
}

/**
 * `npm run transcripts` in this process, with this environment (a process start costs a second or
 * more; `spawnedCli` runs the real process where the process itself is what a test checks).
 */
async function cliWith(env: Record<string, string>, ...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await transcriptsCommand(args, {
    config: () => loadConfig({ ...process.env, DATABASE_URL: '', TRANSCRIPT_PSEUDONYM_KEY: KEY, ...env }),
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  });
  if (code !== 0) throw new Error(`exit ${code}: ${err}`);
  return out;
}

/** The CLI as `npm run transcripts` starts it: a process of its own, on this SQLite file. */
function spawnedCli(file: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/transcripts/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', TRANSCRIPT_PSEUDONYM_KEY: KEY, TRANSCRIPTS_FILE: file },
    encoding: 'utf8',
  });
}

const postgres = postgresForThisFile();

describe('npm run transcripts', () => {
  // Each call starts a process (seconds on a busy machine).
  it(
    'lists, shows, exports a .transcript that is a JSON array of activities, and erases a learner',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('cli-');
      const file = join(dir, 'transcripts.sqlite');
      await seed(new SqliteTranscriptStore(file));
      // The process once (its output and exit code), then the same command in this process.
      expect(spawnedCli(file, 'list')).toMatch(/webchat .*conv-cli/);
      expect(await cli(file, 'list')).toMatch(/webchat .*conv-cli/);
      expect(await cli(file, 'show', 'conv-cli')).toContain('[duree_epreuve 0.97 answered]');
      const out = join(dir, 'conv.transcript');
      await cli(file, 'export', 'conv-cli', out);
      const activities = JSON.parse(readFileSync(out, 'utf8')) as { type: string; text: string; timestamp: string }[];
      expect(Array.isArray(activities)).toBe(true);
      expect(activities.map((a) => a.type)).toEqual(['message', 'message']);
      expect(activities[1]!.text).toContain('2 h 30');
      expect(Number.isNaN(Date.parse(activities[0]!.timestamp))).toBe(false);
      expect(await cli(file, 'erase', 'learner-42')).toMatch(/^2 activit/);
      expect(await cli(file, 'list')).toContain('0 conversation(s)');
    },
  );

  it.skipIf(postgresMissing)(
    "with DATABASE_URL: lists, shows, exports and erases in PostgreSQL (every instance's transcripts)",
    { timeout: 120_000 },
    async () => {
      const url = await postgres.server().createDatabase();
      await seed(new PostgresTranscriptStore(await postgres.pool(url)));
      const env = {
        DATABASE_URL: url,
        TRANSCRIPTS_FILE: join(tempDir('cli-pg-'), 'unused.sqlite'),
      };
      expect(await cliWith(env, 'list')).toMatch(/webchat .*conv-cli/);
      expect(await cliWith(env, 'show', 'conv-cli')).toContain('[duree_epreuve 0.97 answered]');
      const out = join(tempDir('cli-pg-'), 'conv.transcript');
      await cliWith(env, 'export', 'conv-cli', out);
      expect((JSON.parse(readFileSync(out, 'utf8')) as { text: string }[]).map((a) => a.text)).toEqual([
        "combien dure l'épreuve ?",
        "L'épreuve dure 2 h 30.",
      ]);
      expect(await cliWith(env, 'erase', 'learner-42')).toMatch(/^2 activit/);
      expect(await new PostgresTranscriptStore(postgres.pools.at(-1)!).conversations()).toEqual([]);
      // An unreachable database: one line, no stack trace.
      const refused = spawnSync(process.execPath, ['--import', 'tsx', 'src/transcripts/cli.ts', 'list'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: 'postgres://assistant:secret@127.0.0.1:1/none' },
        encoding: 'utf8',
      });
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim()).toMatch(
        /^DATABASE_URL=postgres:\/\/assistant:\*\*\*@127\.0\.0\.1:1\/none: cannot use it \(connection refused/,
      );
      expect(refused.stderr).not.toContain('secret');
    },
  );

  // In this process: the options are read by transcriptsCommand, and the process's exit code and
  // stderr are checked by the spawned runs above (0 with its output, 2 with one line).
  it('refuses an option it does not have, with the usage, before opening the store', async () => {
    const file = join(tempDir('cli-opt-'), 't.sqlite');
    await expect(cli(file, 'purge', '--all')).rejects.toThrow(
      /^exit 2: Unknown option '--all'[\s\S]*usage: npm run transcripts/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it("shows learners' text without letting escape sequences act on the terminal", { timeout: 60_000 }, async () => {
    const file = join(tempDir('cli-esc-'), 't.sqlite');
    const store = new SqliteTranscriptStore(file);
    await store.record([
      {
        conversationId: 'esc',
        channelId: 'webchat',
        userId: 'u_1',
        direction: 'in',
        type: 'message',
        text: 'bonjour\u001b[2J\u001b]0;pwned\u0007',
        at: new Date(),
        activity: {},
      },
    ]);
    await store.close();
    const out = await cli(file, 'show', 'esc');
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('bonjour\\u001b[2J');
  });

  it('writes CSV that spreadsheets cannot execute', () => {
    const csv = toCsv([
      {
        conversationId: 'c',
        channelId: 'webchat',
        userId: 'u_1',
        direction: 'in',
        type: 'message',
        text: '=HYPERLINK("x")',
        at: new Date(0),
        activity: {},
      },
    ]);
    expect(csv.split('\n')[1]).toContain(`"'=HYPERLINK(""x"")"`);
    for (const text of [' =1+1', '\n=1+1', '  @SUM(A1)', '\t-2']) {
      const row = toCsv([
        {
          conversationId: 'c',
          channelId: 'webchat',
          userId: 'u_1',
          direction: 'in',
          type: 'message',
          text,
          at: new Date(0),
          activity: {},
        },
      ]);
      expect(row, JSON.stringify(text)).toContain(`"'${text}`);
    }
  });
});

describe('the CSV export is written conversation by conversation', () => {
  const entry = (conversationId: string): TranscriptEntry => ({
    conversationId,
    channelId: 'webchat',
    userId: 'u_1',
    direction: 'in',
    type: 'message',
    text: 'combien ça coûte ?',
    at: new Date(0),
    activity: {},
  });

  /** A client: `full` makes write() say it has had enough until it drains. */
  function sink(full = false) {
    const chunks: string[] = [];
    const listeners = new Map<string, (() => void)[]>();
    return {
      chunks,
      ended: false,
      write(chunk: string) {
        chunks.push(chunk);
        return !full;
      },
      once(event: string, listener: () => void) {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      },
      emit(event: string) {
        for (const l of listeners.get(event) ?? []) l();
        listeners.delete(event);
      },
      end() {
        this.ended = true;
      },
    };
  }

  it('lets the event loop turn between conversations (other requests are served during a large export)', async () => {
    const out = sink();
    let turns = 0;
    const tick = setInterval(() => {
      turns += 1;
    }, 0);
    await writeCsv(
      out,
      Array.from({ length: 50 }, (_, i) => `c${i}`),
      async (id) => [entry(id), entry(id)],
    );
    clearInterval(tick);
    expect(out.ended).toBe(true);
    expect(out.chunks.join('').trim().split('\n')).toHaveLength(1 + 100);
    expect(turns).toBeGreaterThan(0);
  });

  it('waits while the client reads slowly, and stops when it goes away', async () => {
    const out = sink(true);
    const read: string[] = [];
    const done = writeCsv(out, ['a', 'b', 'c'], async (id) => {
      read.push(id);
      return [entry(id)];
    });
    await new Promise((r) => setTimeout(r, 20));
    // Header and the first conversation written; nothing more read from the store until a drain.
    expect(read).toEqual(['a']);
    out.emit('drain');
    await new Promise((r) => setTimeout(r, 20));
    expect(read).toEqual(['a', 'b']);
    out.emit('close');
    await done;
    expect(read).toEqual(['a', 'b']);
    expect(out.ended).toBe(false);
  });
});
