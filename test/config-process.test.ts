import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { buildApp, startFailureLine } from '../src/app.ts';
import { freePort, startBot } from './server-process.ts';
import { reuseTraining } from './in-process-app.ts';
import { dataFiles, tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDER = tempDir('bot-config-folder-');

/**
 * `npm start` with this environment, expected to refuse: its exit code and what it printed. `cwd`: where
 * it runs (its `.env` is read there); the project by default.
 */
async function start(
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = tempDir('bot-config-');
  // What npm start runs (scripts/start.js: the server's bundle, built by test/bundle-global.ts), by its
  // absolute path: the process may run in a folder of its own.
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.js')], {
    cwd,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      MicrosoftAppId: '',
      LOG_LEVEL: 'warn',
      ...dataFiles(dir),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr, stdout };
}

/**
 * What `npm start` prints for a mistake found in the app (src/app.ts): the line src/main.ts writes to
 * stderr before exiting 1 — the spawned test above checks that path, these the line of each mistake.
 */
async function failure(env: Record<string, string>): Promise<string | undefined> {
  const dir = tempDir('bot-config-');
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      MicrosoftAppId: '',
      LOG_LEVEL: 'warn',
      ...dataFiles(dir),
      ...env,
    });
    app = await buildApp(config, { logger: pino({ level: 'silent' }), train: reuseTraining });
    await app.listen();
  } catch (err) {
    return startFailureLine(err);
  } finally {
    await app?.close();
  }
  throw new Error('the start did not fail');
}

describe('a configuration mistake stops npm start with one line naming the key, no stack trace', () => {
  it('the process prints the line alone on stderr and exits 1 (MicrosoftAppType=SingleTenant without an App ID)', async () => {
    const { code, stderr } = await start({ MicrosoftAppType: 'SingleTenant' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppId: required when MicrosoftAppType=SingleTenant.*\n$/,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    [
      'MicrosoftAppType=SingleTenant without a tenant',
      {
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppId: '0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c',
        MicrosoftAppPassword: 'secret',
      },
      /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant$/,
    ],
    [
      'an App ID that is not a GUID',
      { MicrosoftAppId: 'mon-bot-azure', MicrosoftAppPassword: 'secret' },
      /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppId: not a GUID.*$/,
    ],
    [
      'an App ID without its password',
      { MicrosoftAppId: '0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c' },
      /^Cannot start: Invalid configuration \(environment or \.env\):\n {2}MicrosoftAppPassword: required when MicrosoftAppId is set.*$/,
    ],
    // A folder of the test's own (never /tmp itself: nothing may change the mode of a shared folder).
    [
      'STATE_FILE is a folder',
      { STATE_FILE: FOLDER },
      new RegExp(`^Cannot start: STATE_FILE=${FOLDER}: cannot open it \\(.+\\)$`),
    ],
  ])('%s', async (_name, env, expected) => {
    const line = await failure(env);
    expect(line).toMatch(expected);
    expect(line).not.toMatch(/^\s+at /m);
  });

  it('DATABASE_URL where no PostgreSQL answers: one line, the password masked', async () => {
    const port = await freePort();
    expect(await failure({ DATABASE_URL: `postgres://assistant:s3cret@127.0.0.1:${port}/assistant` })).toBe(
      `Cannot start: DATABASE_URL=postgres://assistant:***@127.0.0.1:${port}/assistant: cannot use it (connection refused (is PostgreSQL running, on that host and port?))`,
    );
  });

  it('a key of .env close to a known one: « did you mean … ? », nothing started', async () => {
    const cwd = tempDir('bot-dotenv-');
    writeFileSync(join(cwd, '.env'), 'MicrosoftAppID=0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c\nMicrosoftAppPassword=\n');
    const { code, stderr } = await start({}, cwd);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `Cannot start: Invalid configuration (.env):\n  MicrosoftAppID: unknown key in .env — did you mean MicrosoftAppId?\n`,
    );
  });

  it('NODE_ENV=production in local mode starts, with a warning that anyone can post to the bot', async () => {
    const bot = await startBot({ NODE_ENV: 'production' });
    try {
      const warning = bot
        .output()
        .split('\n')
        .filter((l) => l.includes('NODE_ENV=production'));
      expect(warning).toHaveLength(1);
      const logged = JSON.parse(warning[0]!) as { level: number; msg: string };
      expect(logged.level).toBe(40);
      expect(logged.msg).toMatch(
        new RegExp(
          `^NODE_ENV=production without MicrosoftAppId: local mode, requests are not authenticated — anyone who reaches 127\\.0\\.0\\.1:${bot.port} can post to the bot`,
        ),
      );
    } finally {
      await bot.stop();
    }
  }, 120_000);

  it('PORT already in use', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    const line = await failure({ PORT: String(port) });
    taken.close();
    expect(line).toBe(`Cannot start: PORT=${port}: already in use on 127.0.0.1 (another assistant running?)`);
  });

  it('a broken reference between data files: one line naming the file, the field and what is wrong', async () => {
    // The fixture second sheet, its menu pointing at an entry it does not have.
    const dir = tempDir('bot-config-sheet-');
    cpSync(join(ROOT, 'test/fixtures/second-sheet'), dir, { recursive: true });
    const file = join(dir, 'knowledge.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('entry:candidate-file', 'entry:candidate-files'));
    const { code, stderr } = await start({ KNOWLEDGE_FILE: file });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `Cannot start: ${file}: menu[2].action: "entry:candidate-files": no entry "candidate-files" in ${file}\n`,
    );
  });
});
