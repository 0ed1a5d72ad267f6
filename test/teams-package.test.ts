import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../teams/package.ts';

const out = mkdtempSync(join(tmpdir(), 'teams-package-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const env = {
  MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
  ORG_NAME: 'Organisme de formation',
  ORG_WEBSITE_URL: 'https://formation.example',
  ORG_PRIVACY_URL: 'https://formation.example/confidentialite',
  ORG_TERMS_URL: 'https://formation.example/conditions',
};

/** Reads the entries of a ZIP archive (local headers, deflate or store). */
function unzip(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (archive.readUInt32LE(offset) === 0x04034b50) {
    const method = archive.readUInt16LE(offset + 8);
    const size = archive.readUInt32LE(offset + 18);
    const nameLength = archive.readUInt16LE(offset + 26);
    const extra = archive.readUInt16LE(offset + 28);
    const name = archive.toString('utf8', offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extra;
    const data = archive.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    offset = start + size;
  }
  return files;
}

describe('npm run teams:package', () => {
  it('writes a zip whose manifest is filled from configuration and validates', () => {
    const { file, manifest } = buildPackage(env, out);
    const files = unzip(readFileSync(file));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const text = files.get('manifest.json')!.toString('utf8');
    expect(text).not.toContain('${{');
    const parsed = JSON.parse(text) as { id: string; manifestVersion: string; bots: { botId: string; scopes: string[] }[] };
    expect(parsed.bots[0]!.botId).toBe(env.MicrosoftAppId);
    expect(parsed.id).toBe(env.MicrosoftAppId);
    expect(parsed.manifestVersion).toBe('1.22');
    expect(parsed.bots[0]!.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.developer.name).toBe(env.ORG_NAME);
    // The icons are the committed ones, at the sizes Teams requires.
    expect(files.get('color.png')!.readUInt32BE(16)).toBe(192);
    expect(files.get('outline.png')!.readUInt32BE(16)).toBe(32);
  });

  it('refuses to build with a placeholder left or a wrong value, naming the key', () => {
    const { MicrosoftAppId: _missing, ...withoutBot } = env;
    expect(() => buildPackage(withoutBot, out)).toThrow(/MicrosoftAppId: not set/);
    expect(() => buildPackage({ ...env, MicrosoftAppId: 'not-a-guid' }, out)).toThrow(/botId: the bot's MicrosoftAppId/);
    expect(() => buildPackage({ ...env, ORG_PRIVACY_URL: 'http://insecure.example' }, out)).toThrow(/privacyUrl: an https/);
  });
});
