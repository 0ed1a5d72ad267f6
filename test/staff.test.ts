import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StaffAccounts } from '../src/console/staff-accounts.ts';

const ROOT = new URL('..', import.meta.url).pathname;

describe('staff accounts', () => {
  it('npm run staff -- add reads the password from stdin and stores only a scrypt hash', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'staff-')), 'staff.sqlite');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/console/staff-cli.ts', 'add', 'claire'], {
      cwd: ROOT, env: { ...process.env, STAFF_FILE: file }, input: 'un-long-mot-de-passe\n', encoding: 'utf8',
    });
    expect(out).toContain('created');
    const raw = readFileSync(file).toString('latin1') + (() => { try { return readFileSync(`${file}-wal`).toString('latin1'); } catch { return ''; } })();
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
    await expect(accounts.add('claire', 'court')).rejects.toThrow(/12 characters/);
    await expect(accounts.add('Claire Dupont', 'un-long-mot-de-passe')).rejects.toThrow(/login/);
    await accounts.add('claire', 'un-long-mot-de-passe');
    await expect(accounts.add('claire', 'un-long-mot-de-passe-2')).rejects.toThrow(/already exists/);
    await expect(accounts.add('paul', ' '.repeat(12))).rejects.toThrow(/12 characters/);
    await expect(accounts.add('paul', '   court    ')).rejects.toThrow(/12 characters/);
    await expect(accounts.add('paul', 'aaaaaaaaaaaaaa')).rejects.toThrow(/repeated/);
    await expect(accounts.add('paul', 'paul-paul-paul-2026')).rejects.toThrow(/login/);
    accounts.close();
  });

  it('keeps the account file readable by the server\'s user only', async () => {
    const { statSync } = await import('node:fs');
    const file = join(mkdtempSync(join(tmpdir(), 'staff-')), 'staff.sqlite');
    const accounts = new StaffAccounts(file);
    await accounts.add('claire', 'un-long-mot-de-passe');
    for (const f of [file, `${file}-wal`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    accounts.close();
  });
});
