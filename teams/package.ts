/**
 * npm run teams:package — builds the Teams app package to sideload (teams/build/<name>.zip):
 * manifest.json with every ${{KEY}} filled from the configuration (.env or environment), validated,
 * plus the two icons. Fails with one line per problem; never writes a package with a placeholder left.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadDotEnv } from '../src/config.ts';
import { zipSync } from 'fflate';
import { readPng, type DecodedPng } from './png.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpsUrl = z.string().regex(/^https:\/\/[^\s]+$/, 'an https:// address');
/** 1 January 1980, the first date a ZIP entry can hold: builds are reproducible (no clock in the archive). */
const ZIP_EPOCH = new Date(1980, 0, 1);

/** The parts of the Teams manifest schema (v1.22) this app uses, with Teams' own limits. */
export const ManifestSchema = z.object({
  $schema: z
    .string()
    .regex(/^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/),
  manifestVersion: z.string().regex(/^1\.\d+$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  id: z.string().regex(GUID, 'a GUID'),
  developer: z.object({
    name: z.string().min(1).max(32),
    websiteUrl: httpsUrl,
    privacyUrl: httpsUrl,
    termsOfUseUrl: httpsUrl,
  }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().max(100) }),
  description: z.object({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.object({ color: z.literal('color.png'), outline: z.literal('outline.png') }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1F4E8C'),
  bots: z
    .array(
      z.object({
        botId: z.string().regex(GUID, "the bot's MicrosoftAppId (a GUID)"),
        scopes: z.array(z.enum(['personal', 'team', 'groupChat', 'copilot'])).min(1),
        supportsFiles: z.boolean().optional(),
        isNotificationOnly: z.boolean().optional(),
        commandLists: z
          .array(
            z.object({
              scopes: z.array(z.enum(['personal', 'team', 'groupChat', 'copilot'])),
              commands: z
                .array(z.object({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) }))
                .max(10),
            }),
          )
          .optional(),
      }),
    )
    .length(1),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])).optional(),
  validDomains: z.array(z.string()).optional(),
});

export interface PackageResult {
  file: string;
  manifest: z.infer<typeof ManifestSchema>;
}

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
    throw new Error(
      `Cannot build the Teams package: manifest.json:\n  ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`,
    );
  }
  const color = readFileSync(`${DIR}color.png`);
  const outline = readFileSync(`${DIR}outline.png`);
  problems.push(...iconProblems(color, outline));
  if (problems.length) throw new Error(`Cannot build the Teams package:\n  ${problems.join('\n  ')}`);
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}/${result.data.name.short.replace(/[^A-Za-z0-9]+/g, '-')}-${result.data.version}.zip`;
  const manifest = Buffer.from(JSON.stringify(result.data, null, 2));
  writeFileSync(
    file,
    zipSync({ 'manifest.json': manifest, 'color.png': color, 'outline.png': outline }, { mtime: ZIP_EPOCH }),
  );
  return { file, manifest: result.data };
}

/**
 * What Teams would refuse in the icons: color.png 192×192; outline.png 32×32, white on transparent.
 * Every pixel of the outline is checked, whatever filters or colour type the editor saved it with.
 */
export function iconProblems(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const decode = (name: string, png: Buffer): DecodedPng | undefined => {
    try {
      return readPng(png);
    } catch (err) {
      problems.push(`${name}: not a readable PNG (${(err as Error).message})`);
      return undefined;
    }
  };
  const c = decode('color.png', color);
  const o = decode('outline.png', outline);
  if (c && (c.width !== 192 || c.height !== 192))
    problems.push(`color.png: ${c.width}×${c.height}, Teams requires 192×192`);
  if (!o) return problems;
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png: ${o.width}×${o.height}, Teams requires 32×32`);
  if (!o.transparent) problems.push('outline.png: must have transparency (an alpha channel)');
  for (let i = 0; i < o.pixels.length; i += 4) {
    const [r, g, b, a] = [o.pixels[i]!, o.pixels[i + 1]!, o.pixels[i + 2]!, o.pixels[i + 3]!];
    if (a > 0 && (r < 250 || g < 250 || b < 250)) {
      problems.push('outline.png: must be white on transparent');
      break;
    }
  }
  return problems;
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
