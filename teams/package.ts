/**
 * npm run teams:package — builds the Teams app package to sideload (teams/build/<name>.zip):
 * manifest.json with every ${{KEY}} filled from the configuration (.env or environment), validated,
 * plus the two icons. Fails with one line per problem; never writes a package with a placeholder left.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadDotEnv } from '../src/config.ts';
import { readPng } from './png.ts';
import { zip } from './zip.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpsUrl = z.string().regex(/^https:\/\/[^\s]+$/, 'an https:// address');

/** The parts of the Teams manifest schema (v1.22) this app uses, with Teams' own limits. */
export const ManifestSchema = z.object({
  $schema: z.string().regex(/^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/),
  manifestVersion: z.string().regex(/^1\.\d+$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  id: z.string().regex(GUID, 'a GUID'),
  developer: z.object({ name: z.string().min(1).max(32), websiteUrl: httpsUrl, privacyUrl: httpsUrl, termsOfUseUrl: httpsUrl }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().max(100) }),
  description: z.object({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.object({ color: z.literal('color.png'), outline: z.literal('outline.png') }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1F4E8C'),
  bots: z.array(z.object({
    botId: z.string().regex(GUID, 'the bot\'s MicrosoftAppId (a GUID)'),
    scopes: z.array(z.enum(['personal', 'team', 'groupChat', 'copilot'])).min(1),
    supportsFiles: z.boolean().optional(),
    isNotificationOnly: z.boolean().optional(),
    commandLists: z.array(z.object({
      scopes: z.array(z.enum(['personal', 'team', 'groupChat', 'copilot'])),
      commands: z.array(z.object({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) })).max(10),
    })).optional(),
  })).length(1),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])).optional(),
  validDomains: z.array(z.string()).optional(),
});

export interface PackageResult { file: string; manifest: z.infer<typeof ManifestSchema> }

/** Fills, validates and zips. `env` holds the configuration; throws with every problem listed. */
export function buildPackage(env: Record<string, string | undefined>, outDir = `${DIR}build`): PackageResult {
  const pkg = JSON.parse(readFileSync(`${DIR}../package.json`, 'utf8')) as { version: string };
  const defaults: Record<string, string | undefined> = {
    TEAMS_APP_VERSION: pkg.version,
    TEAMS_APP_ID: env.MicrosoftAppId,
    TEAMS_APP_SHORT_NAME: 'Assistant BTS MCO',
    TEAMS_ACCENT_COLOR: '#1F4E8C',
  };
  const problems: string[] = [];
  const template = readFileSync(`${DIR}manifest.json`, 'utf8');
  const filled = template.replace(/\$\{\{([A-Za-z0-9_]+)\}\}/g, (_whole, key: string) => {
    const value = env[key] || defaults[key];
    if (!value) {
      problems.push(`${key}: not set (environment or .env); see .env.example`);
      return '';
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (problems.length) throw new Error(`Cannot build the Teams package:\n  ${problems.join('\n  ')}`);
  const result = ManifestSchema.safeParse(JSON.parse(filled));
  if (!result.success) {
    throw new Error(`Cannot build the Teams package: manifest.json:\n  ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  }
  const color = readFileSync(`${DIR}color.png`);
  const outline = readFileSync(`${DIR}outline.png`);
  const c = readPng(color);
  const o = readPng(outline);
  if (c.width !== 192 || c.height !== 192) problems.push(`color.png: ${c.width}×${c.height}, Teams requires 192×192`);
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png: ${o.width}×${o.height}, Teams requires 32×32`);
  if (o.colorType !== 6) problems.push('outline.png: must have transparency (RGBA)');
  else if (o.pixels) {
    for (let i = 0; i < o.pixels.length; i += 4) {
      const [r, g, b, a] = [o.pixels[i]!, o.pixels[i + 1]!, o.pixels[i + 2]!, o.pixels[i + 3]!];
      if (a > 0 && (r < 250 || g < 250 || b < 250)) {
        problems.push('outline.png: must be white on transparent');
        break;
      }
    }
  }
  if (problems.length) throw new Error(`Cannot build the Teams package:\n  ${problems.join('\n  ')}`);
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}/${result.data.name.short.replace(/[^A-Za-z0-9]+/g, '-')}-${result.data.version}.zip`;
  writeFileSync(file, zip([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(result.data, null, 2)) },
    { name: 'color.png', data: color },
    { name: 'outline.png', data: outline },
  ]));
  return { file, manifest: result.data };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  loadDotEnv();
  try {
    const { file } = buildPackage(process.env);
    console.log(`Teams package written: ${file} (sideload it in Teams: Apps > Manage your apps > Upload an app)`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
