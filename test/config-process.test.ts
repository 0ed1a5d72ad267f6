import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './server-process.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDER = mkdtempSync(join(tmpdir(), 'bot-config-folder-'));

/** `npm start` with this environment, expected to refuse: its exit code and what it printed. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-config-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, HOST: '127.0.0.1', PORT: String(await freePort()), MicrosoftAppId: '', LOG_LEVEL: 'warn',
      TRANSCRIPTS_FILE: join(dir, 'transcripts.sqlite'), STAFF_FILE: join(dir, 'staff.sqlite'), STATE_FILE: join(dir, 'state.sqlite'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = await once(child, 'exit') as [number | null];
  clearTimeout(timer);
  return { code, stderr, stdout };
}

describe('a configuration mistake stops npm start with one line naming the key, no stack trace', () => {
  it.each([
    ['MicrosoftAppType=SingleTenant without an App ID', { MicrosoftAppType: 'SingleTenant' }, /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppId: required when MicrosoftAppType=SingleTenant.*\n$/],
    ['an App ID without its password', { MicrosoftAppId: '0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c' }, /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppPassword: required when MicrosoftAppId is set.*\n$/],
    // A folder of the test's own (never /tmp itself: nothing may change the mode of a shared folder).
    ['STATE_FILE is a folder', { STATE_FILE: FOLDER }, new RegExp(`^Cannot start: STATE_FILE=${FOLDER}: cannot open it \\(.+\\)\\n$`)],
  ])('%s', async (_name, env, expected) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(expected);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('DATABASE_URL where no PostgreSQL answers: one line, the password masked', async () => {
    const port = await freePort();
    const { code, stderr } = await start({ DATABASE_URL: `postgres://assistant:s3cret@127.0.0.1:${port}/assistant` });
    expect(code).toBe(1);
    expect(stderr).toBe(`Cannot start: DATABASE_URL=postgres://assistant:***@127.0.0.1:${port}/assistant: cannot use it (connection refused (is PostgreSQL running, on that host and port?))\n`);
  });

  it('PORT already in use', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    const { code, stderr } = await start({ PORT: String(port) });
    taken.close();
    expect(code).toBe(1);
    expect(stderr).toBe(`Cannot start: PORT=${port}: already in use on 127.0.0.1 (another assistant running?)\n`);
  });

  it('a broken reference between data files: one line naming the file, the field and what is wrong', async () => {
    // The fixture second sheet, its menu pointing at an entry it does not have.
    const dir = mkdtempSync(join(tmpdir(), 'bot-config-sheet-'));
    cpSync(join(ROOT, 'test/fixtures/second-sheet'), dir, { recursive: true });
    const file = join(dir, 'knowledge.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('entry:candidate-file', 'entry:candidate-files'));
    const { code, stderr } = await start({ KNOWLEDGE_FILE: file });
    expect(code).toBe(1);
    expect(stderr).toBe(`Cannot start: ${file}: menu[2].action: "entry:candidate-files": no entry "candidate-files" in ${file}\n`);
  });
});
