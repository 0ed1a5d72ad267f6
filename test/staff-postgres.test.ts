import { spawnSync } from 'node:child_process';
import { staffInProcess } from './staff-cli.ts';
import { describe, expect, it } from 'vitest';
import { PostgresSessions, PostgresSignInThrottle, PostgresStaffAccounts } from '../src/console/postgres-staff.ts';
import { postgresForThisFile, postgresMissing } from './postgres-server.ts';

/** Staff accounts and sessions in a real PostgreSQL (DATABASE_URL): the rules of the SQLite ones, shared by instances. */
const ROOT = new URL('..', import.meta.url).pathname;
const { server, pool, pools } = postgresForThisFile();

describe.skipIf(postgresMissing)('staff accounts and sessions in PostgreSQL', () => {
  it('refuses short passwords, bad logins and duplicates; verifies; a reset dates sessions; remove', async () => {
    const accounts = new PostgresStaffAccounts(await pool(await server().createDatabase()));
    await expect(accounts.add('claire', 'court')).rejects.toThrow(/12 caractères au moins/);
    await expect(accounts.add('Claire Dupont', 'un-long-mot-de-passe')).rejects.toThrow(/identifiant/);
    await accounts.add('claire', 'un-long-mot-de-passe');
    await expect(accounts.add('claire', 'un-long-mot-de-passe-2')).rejects.toThrow(/existe déjà/);
    await expect(accounts.add('paul', 'paul-paul-paul-2026')).rejects.toThrow(/identifiant/);
    expect(await accounts.count()).toBe(1);
    expect(await accounts.verify('claire', 'un-long-mot-de-passe')).toBe(true);
    expect(await accounts.verify('claire', 'un-autre-mot-de-passe')).toBe(false);
    expect(await accounts.verify('inconnu', 'un-long-mot-de-passe')).toBe(false);
    const since = (await accounts.validSince('claire'))!;
    await accounts.reset('claire', 'un-nouveau-mot-de-passe');
    // Strictly later, even within the same millisecond: a session opened before is refused.
    expect((await accounts.validSince('claire'))!).toBeGreaterThan(since);
    expect(await accounts.verify('claire', 'un-long-mot-de-passe')).toBe(false);
    expect(await accounts.verify('claire', 'un-nouveau-mot-de-passe')).toBe(true);
    await expect(accounts.reset('paul', 'un-nouveau-mot-de-passe')).rejects.toThrow(/aucun compte « paul »/);
    expect((await accounts.list()).map((a) => a.login)).toEqual(['claire']);
    await accounts.remove('claire');
    await expect(accounts.remove('claire')).rejects.toThrow(/aucun compte « claire »/);
    expect(await accounts.validSince('claire')).toBeUndefined();
  });

  it('a session opened by one instance is known to another; only its hash is stored; it expires and ends', async () => {
    const url = await server().createDatabase();
    let now = Date.UTC(2026, 10, 26, 9);
    const [a, b] = [
      new PostgresSessions(await pool(url), 8 * 3_600_000, () => now),
      new PostgresSessions(await pool(url), 8 * 3_600_000, () => now),
    ];
    const s = await a.create('claire');
    expect(await b.get(s.id)).toEqual(s);
    expect(await b.get('not-a-session')).toBeUndefined();
    const stored = (await pools.at(-1)!.query<{ id: string }>('SELECT id FROM staff_sessions')).rows.map((r) => r.id);
    expect(stored).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(stored).not.toContain(s.id);
    await b.destroy(s.id);
    expect(await a.get(s.id)).toBeUndefined();
    const later = await a.create('claire');
    now += 8 * 3_600_000 + 1;
    expect(await b.get(later.id)).toBeUndefined();
    expect((await pools.at(-1)!.query('SELECT 1 FROM staff_sessions')).rowCount).toBe(0);
  });

  it('npm run staff with DATABASE_URL manages the accounts every instance signs in with', async () => {
    const url = await server().createDatabase();
    // In this process (test/staff.test.ts starts the real one; the refusal below is a process too).
    const run = (args: string[], input = '') =>
      staffInProcess(args, { DATABASE_URL: url, STAFF_FILE: '/nonexistent/never-used.sqlite' }, input);
    expect((await run(['add', 'claire'], 'un-long-mot-de-passe\n')).stdout).toContain('Compte « claire » créé.');
    expect((await run(['list'])).stdout).toMatch(
      /^claire\s+créé le \d{4}-\d\d-\d\d, mot de passe du \d{4}-\d\d-\d\d$/m,
    );
    expect((await run(['reset', 'claire'], 'un-nouveau-mot-de-passe\n')).stdout).toContain(
      'Mot de passe de « claire » changé',
    );
    const accounts = new PostgresStaffAccounts(await pool(url));
    expect(await accounts.verify('claire', 'un-nouveau-mot-de-passe')).toBe(true);
    const hashes = (await pools.at(-1)!.query<{ hash: string }>('SELECT hash FROM staff')).rows.map((r) => r.hash);
    expect(hashes).toEqual([expect.stringMatching(/^scrypt\$/)]);
    const missing = await run(['remove', 'paul']);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, 'Erreur : aucun compte « paul »']);
    const down = spawnSync(process.execPath, ['--import', 'tsx', 'src/console/staff-cli.ts', 'list'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: 'postgres://assistant:s3cret@127.0.0.1:1/assistant' },
      encoding: 'utf8',
    });
    expect([down.status, down.stderr.trim()]).toEqual([
      2,
      'Erreur : DATABASE_URL=postgres://assistant:***@127.0.0.1:1/assistant: cannot use it (connection refused (is PostgreSQL running, on that host and port?))',
    ]);
  });

  it('sign-in throttle shared by instances: parallel guesses on two instances get 5 attempts in all, not 5 each', async () => {
    const url = await server().createDatabase();
    const [a, b] = [new PostgresSignInThrottle(await pool(url)), new PostgresSignInThrottle(await pool(url))];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).reserve('admin', '203.0.113.7')),
    );
    expect(results.filter((r) => r.wait === 0)).toHaveLength(5);
    expect(Math.max(...results.map((r) => r.wait))).toBeLessThanOrEqual(15 * 60);
  });

  it('sign-in throttle: the rules of the in-memory one (other logins, other addresses, success, the window)', async () => {
    const url = await server().createDatabase();
    let now = 1000;
    const [a, b] = [
      new PostgresSignInThrottle(await pool(url), undefined, 60_000, () => now),
      new PostgresSignInThrottle(await pool(url), undefined, 60_000, () => now),
    ];
    for (let i = 0; i < 10; i++) {
      now += 1;
      await (i % 2 ? a : b).reserve('nobody', '127.0.0.1');
    }
    expect((await a.reserve('nobody', '127.0.0.1')).wait).toBeGreaterThan(0);
    // Failures for a login that does not exist lock neither a real login nor colleagues at the same address.
    expect((await b.reserve('claire', '127.0.0.1')).wait).toBe(0);
    // A login guessed from many addresses is locked everywhere…
    for (let i = 0; i < 20; i++) {
      now += 1;
      await (i % 2 ? a : b).reserve('paul', `198.51.100.${i}`);
    }
    expect((await a.reserve('paul', '203.0.113.9')).wait).toBe(60);
    // …until the window has passed; a success then forgets the login's failures.
    now += 60_000;
    const mine = await b.reserve('paul', '203.0.113.9');
    expect(mine.wait).toBe(0);
    await a.succeed('paul', '203.0.113.9', mine.at);
    for (let i = 0; i < 4; i++) await b.reserve('paul', '203.0.113.9');
    expect((await a.reserve('paul', '203.0.113.9')).wait).toBe(0);
    // Only the window's attempts are kept.
    now += 60_001;
    await a.reserve('someone', '192.0.2.1');
    expect((await pools.at(-1)!.query('SELECT DISTINCT key FROM sign_in_attempts')).rowCount).toBe(3);
  });
});
