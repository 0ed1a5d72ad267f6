import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, startBot } from './server-process.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDER = mkdtempSync(join(tmpdir(), 'bot-config-folder-'));

/**
 * `npm start` with this environment, expected to refuse: its exit code and what it printed. `cwd`: where
 * it runs (its `.env` is read there); the project by default.
 */
async function start(env: Record<string, string>, cwd = ROOT): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-config-'));
  // Absolute paths: the process may run in a folder of its own.
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/main.ts')], {
    cwd,
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
    ['MicrosoftAppType=SingleTenant without a tenant', { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: '0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c', MicrosoftAppPassword: 'secret' }, /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant\n$/],
    ['an App ID that is not a GUID', { MicrosoftAppId: 'mon-bot-azure', MicrosoftAppPassword: 'secret' }, /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppId: not a GUID.*\n$/],
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

  it('a key of .env close to a known one: « did you mean … ? », nothing started', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bot-dotenv-'));
    writeFileSync(join(cwd, '.env'), 'MicrosoftAppID=0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c\nMicrosoftAppPassword=\n');
    const { code, stderr } = await start({}, cwd);
    expect(code).toBe(1);
    expect(stderr).toBe(`Cannot start: Invalid configuration (.env):\n  MicrosoftAppID: unknown key in .env — did you mean MicrosoftAppId?\n`);
  });

  it('NODE_ENV=production in local mode starts, with a warning that anyone can post to the bot', async () => {
    const bot = await startBot({ NODE_ENV: 'production' });
    try {
      const warning = bot.output().split('\n').filter((l) => l.includes('NODE_ENV=production'));
      expect(warning).toHaveLength(1);
      expect(JSON.parse(warning[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(new RegExp(`^NODE_ENV=production without MicrosoftAppId: local mode, requests are not authenticated — anyone who reaches 127\\.0\\.0\\.1:${bot.port} can post to the bot`)) });
    } finally {
      await bot.stop();
    }
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
});
