import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StaffAccounts } from '../src/console/staff-accounts.ts';
import { staffInProcess } from './staff-cli.ts';
import { tempDir } from './temp.ts';

const ROOT = new URL('..', import.meta.url).pathname;

describe('staff accounts', () => {
  it('npm run staff -- add reads the password from stdin and stores only a scrypt hash', async () => {
    const file = join(tempDir('staff-'), 'staff.sqlite');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/console/staff-cli.ts', 'add', 'claire'], {
      cwd: ROOT,
      env: { ...process.env, STAFF_FILE: file },
      input: 'un-long-mot-de-passe\n',
      encoding: 'utf8',
    });
    expect(out).toContain('Compte « claire » créé.');
    const raw =
      readFileSync(file).toString('latin1') +
      (() => {
        try {
          return readFileSync(`${file}-wal`).toString('latin1');
        } catch {
          return '';
        }
      })();
    expect(raw).not.toContain('un-long-mot-de-passe');
    expect(raw).toContain('scrypt$');
    const accounts = new StaffAccounts(file);
    expect(accounts.count()).toBe(1);
    expect(await accounts.verify('claire', 'un-long-mot-de-passe')).toBe(true);
    expect(await accounts.verify('claire', 'un-autre-mot-de-passe')).toBe(false);
    expect(await accounts.verify('inconnu', 'un-long-mot-de-passe')).toBe(false);
    accounts.close();
  });

  it('refuses short passwords, bad logins and duplicates', async () => {
    const accounts = new StaffAccounts(':memory:');
    await expect(accounts.add('claire', 'court')).rejects.toThrow(/12 caractères au moins/);
    await expect(accounts.add('Claire Dupont', 'un-long-mot-de-passe')).rejects.toThrow(/identifiant/);
    await accounts.add('claire', 'un-long-mot-de-passe');
    await expect(accounts.add('claire', 'un-long-mot-de-passe-2')).rejects.toThrow(/existe déjà/);
    await expect(accounts.add('paul', ' '.repeat(12))).rejects.toThrow(/12 caractères/);
    await expect(accounts.add('paul', '   court    ')).rejects.toThrow(/12 caractères/);
    await expect(accounts.add('paul', 'aaaaaaaaaaaaaa')).rejects.toThrow(/répété/);
    await expect(accounts.add('paul', 'paul-paul-paul-2026')).rejects.toThrow(/identifiant/);
    accounts.close();
  });

  it('npm run staff -- list, reset, remove; French usage and errors; the password never in the arguments', async () => {
    const file = join(tempDir('staff-'), 'staff.sqlite');
    // In this process (the test above starts the real one): each process start costs a second or more.
    const run = (args: string[], input = '') => staffInProcess(args, { STAFF_FILE: file }, input);
    expect((await run(['add', 'claire'], 'un-long-mot-de-passe\n')).status).toBe(0);
    expect((await run(['add', 'paul'], 'un-autre-long-secret\n')).status).toBe(0);
    const list = await run(['list']);
    expect(list.stdout).toMatch(/^claire\s+créé le \d{4}-\d\d-\d\d, mot de passe du \d{4}-\d\d-\d\d$/m);
    expect(list.stdout).toContain('2 compte(s)');
    const reset = await run(['reset', 'claire'], 'un-nouveau-mot-de-passe\n');
    expect(reset.stdout).toContain('Mot de passe de « claire » changé');
    const removed = await run(['remove', 'paul']);
    expect(removed.stdout).toContain('Compte « paul » supprimé');
    const missing = await run(['remove', 'paul']);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, 'Erreur : aucun compte « paul »']);
    const weak = await run(['add', 'marie'], 'court\n');
    expect(weak.stderr).toContain('Erreur : mot de passe : 12 caractères au moins');
    const usage = await run(['delete', 'claire']);
    expect([usage.status, usage.stderr.split('\n')[0]]).toEqual([
      2,
      'Utilisation : npm run staff -- add <identifiant> | list | reset <identifiant> | remove <identifiant>',
    ]);
    expect((await run(['list'])).stdout).toContain('1 compte(s)');
  });

  it("keeps the account file readable by the server's user only", async () => {
    const { statSync } = await import('node:fs');
    const file = join(tempDir('staff-'), 'staff.sqlite');
    const accounts = new StaffAccounts(file);
    await accounts.add('claire', 'un-long-mot-de-passe');
    for (const f of [file, `${file}-wal`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    accounts.close();
  });
});
