import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage, iconProblems } from '../teams/package.ts';
import { encodePng, readPng } from '../teams/png.ts';

const out = mkdtempSync(join(tmpdir(), 'teams-package-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const env = {
  MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
  ORG_NAME: 'Organisme de formation',
  ORG_WEBSITE_URL: 'https://formation.example',
  ORG_PRIVACY_URL: 'https://formation.example/confidentialite',
  ORG_TERMS_URL: 'https://formation.example/conditions',
};

/** The archive's entries, read from its central directory as Teams reads it (fflate, not the writer's code path). */
function unzip(archive: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(archive)).map(([name, data]) => [name, Buffer.from(data)]));
}

const COMMITTED_COLOR = readFileSync(join(import.meta.dirname, '..', 'teams', 'color.png'));
const COMMITTED_OUTLINE = readFileSync(join(import.meta.dirname, '..', 'teams', 'outline.png'));

/**
 * A 32×32 outline saved as image editors save it: every row Paeth-filtered (filter type 4), not
 * stored raw. `ink` is the colour of the drawing, on a transparent background.
 */
function editorOutline(ink: [number, number, number]): Buffer {
  const image = new PNG({ width: 32, height: 32 });
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const inside = x > 8 && x < 24 && y > 8 && y < 24;
      image.data.set(inside ? [...ink, 255] : [255, 255, 255, 0], (y * 32 + x) * 4);
    }
  }
  return PNG.sync.write(image, { filterType: 4 });
}

/** The filter type of each row of an 8-bit RGBA PNG (the first byte of each inflated row). */
function rowFilters(png: Buffer): number[] {
  const idat: Buffer[] = [];
  let width = 0;
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IHDR') width = png.readUInt32BE(offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  return Array.from({ length: raw.length / stride }, (_, row) => raw[row * stride]!);
}

describe('npm run teams:package', () => {
  it('writes a zip whose manifest is filled from configuration and validates', () => {
    const { file, manifest } = buildPackage(env, out);
    const files = unzip(readFileSync(file));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const text = files.get('manifest.json')!.toString('utf8');
    expect(text).not.toContain('${{');
    const parsed = JSON.parse(text) as {
      id: string;
      manifestVersion: string;
      bots: { botId: string; scopes: string[] }[];
    };
    expect(parsed.bots[0]!.botId).toBe(env.MicrosoftAppId);
    expect(parsed.id).toBe(env.MicrosoftAppId);
    expect(parsed.manifestVersion).toBe('1.22');
    expect(parsed.bots[0]!.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.developer.name).toBe(env.ORG_NAME);
    // The icons are the committed ones, at the sizes Teams requires.
    expect(files.get('color.png')!.readUInt32BE(16)).toBe(192);
    expect(files.get('outline.png')!.readUInt32BE(16)).toBe(32);
    expect(files.get('color.png')!.equals(COMMITTED_COLOR)).toBe(true);
    expect(files.get('outline.png')!.equals(COMMITTED_OUTLINE)).toBe(true);
  });

  it('builds the same bytes twice (no clock in the archive)', () => {
    const first = readFileSync(buildPackage(env, out).file);
    const second = readFileSync(buildPackage(env, out).file);
    expect(second.equals(first)).toBe(true);
  });

  it('refuses to build with a placeholder left or a wrong value, naming the key', () => {
    const { MicrosoftAppId: _missing, ...withoutBot } = env;
    expect(() => buildPackage(withoutBot, out)).toThrow(/MicrosoftAppId: not set/);
    expect(() => buildPackage({ ...env, MicrosoftAppId: 'not-a-guid' }, out)).toThrow(
      /botId: the bot's MicrosoftAppId/,
    );
    expect(() => buildPackage({ ...env, ORG_PRIVACY_URL: 'http://insecure.example' }, out)).toThrow(
      /privacyUrl: an https/,
    );
  });
});

describe('Teams icon checks', () => {
  it('the committed icons pass', () => {
    expect(iconProblems(COMMITTED_COLOR, COMMITTED_OUTLINE)).toEqual([]);
  });

  it('reads an outline whose rows are filtered, as image editors save it: a coloured one is refused', () => {
    const red = editorOutline([200, 30, 30]);
    // The case the hand-written reader skipped without a word: rows filtered, not stored raw.
    expect(rowFilters(red).every((f) => f === 4)).toBe(true);
    expect(iconProblems(COMMITTED_COLOR, red)).toEqual(['outline.png: must be white on transparent']);
    expect(iconProblems(COMMITTED_COLOR, editorOutline([255, 255, 255]))).toEqual([]);
  });

  it('encodePng (npm run teams:icons) writes what readPng reads back, pixel for pixel', () => {
    const pixel = (x: number, y: number): [number, number, number, number] => [
      x * 8,
      y * 8,
      (x + y) * 4,
      x === y ? 0 : 255,
    ];
    const read = readPng(encodePng(32, 32, pixel));
    expect([read.width, read.height, read.transparent]).toEqual([32, 32, true]);
    for (const [x, y] of [
      [0, 0],
      [5, 17],
      [31, 31],
      [31, 0],
    ] as const) {
      expect([...read.pixels.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)]).toEqual(pixel(x, y));
    }
  });

  it('names the icon that is the wrong size, opaque or not a PNG', () => {
    // White, saved without an alpha channel (colour type 2, RGB).
    const opaque = PNG.sync.write(new PNG({ width: 32, height: 32, fill: true }), {
      colorType: 2,
      bgColor: { red: 255, green: 255, blue: 255 },
    });
    expect(iconProblems(COMMITTED_OUTLINE, opaque)).toEqual([
      'color.png: 32×32, Teams requires 192×192',
      'outline.png: must have transparency (an alpha channel)',
    ]);
    expect(iconProblems(COMMITTED_COLOR, Buffer.from('GIF89a'))).toEqual([
      expect.stringMatching(/^outline\.png: not a readable PNG \(/),
    ]);
  });
});
