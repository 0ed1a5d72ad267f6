/**
 * npm run build: the server (src/main.ts and all it imports, the Bot Framework SDK included) bundled
 * by esbuild into one CommonJS file, dist/<digest>/main.cjs, which `npm start` runs (scripts/start.js
 * builds it first when it is missing or stale, so `npm ci && npm start` stays the whole set-up).
 *
 * Why: run through tsx, every start transformed ~100 TypeScript modules on a loader thread and
 * resolved ~1 600 package modules one file at a time; one bundle is read, compiled (from V8's code
 * cache after the first start, see start.js) and run in a fraction of that.
 *
 * Stale means: a source the last bundle was made of changed, or the installed packages (npm's lock
 * files), tsconfig.json, package.json or this script did. dist/build.json records the bundle, its
 * project sources and the digest of all of these; start.js recomputes it at every start (a few
 * milliseconds) and never runs a bundle older than its sources.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');

/**
 * Left to Node's own loading: native add-ons (better-sqlite3, pg's optional pg-native, ws's optional
 * helpers, restify's optional dtrace-provider) and pino, whose transports start worker threads on files it resolves at run time.
 */
const EXTERNAL = ['better-sqlite3', 'pg-native', 'dtrace-provider', 'bufferutil', 'utf-8-validate', 'pino'];

/** Besides the project sources the bundle is made of: what decides how they are bundled. */
const SETTINGS = [
  'package.json',
  'package-lock.json',
  // npm's record of what is actually installed (rewritten by every npm ci / npm install).
  'node_modules/.package-lock.json',
  'tsconfig.json',
  'scripts/build.js',
];

/**
 * Digest of the given project files (paths relative to the root) and of SETTINGS; a missing file
 * counts as such. `read`: the contents the build itself read, so that a file saved during a build
 * makes the bundle stale rather than recorded as fresh.
 */
export function sourcesDigest(files, root = ROOT, read = new Map()) {
  const hash = createHash('sha256');
  for (const file of [...new Set([...files, ...SETTINGS])].sort()) {
    let content = read.get(file);
    try {
      content ??= readFileSync(join(root, file));
    } catch {
      content = Buffer.from('\0missing');
    }
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/**
 * The bundle built from the sources as they are now, or null: the digest the last build recorded,
 * recomputed from the sources it listed, and its bundle's size and modification time (not touched since).
 */
export function current(dist = DIST, root = ROOT) {
  try {
    const manifest = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8'));
    const bundle = join(dist, manifest.bundle);
    const { size, mtimeMs } = statSync(bundle);
    if (size !== manifest.size || mtimeMs !== manifest.mtimeMs) return null;
    return manifest.digest === sourcesDigest(manifest.sources, root) ? { bundle, digest: manifest.digest } : null;
  } catch {
    return null;
  }
}

/**
 * `import.meta.url` of a project module, in the bundle: the address of its source file, so that the
 * folders found from it (knowledge/, intents/, node_modules/botframework-webchat) stay where they are.
 */
function sourceUrls(outdir, root, read) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const bytes = readFileSync(args.path);
        read.set(relative(root, args.path).split(sep).join('/'), bytes);
        const source = bytes.toString('utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const fromBundle = relative(outdir, args.path).split(sep).join('/');
        const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(fromBundle)})).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/**
 * Bundles src/main.ts into `dist`/<digest>/main.cjs and records it in `dist`/build.json. Each build
 * has its own folder, named by the digest of its sources, and build.json is replaced in one rename:
 * starts building at the same time (test workers, several instances) never read a half-written
 * bundle nor remove each other's. The folders of other builds go.
 */
export async function build(dist = DIST, root = ROOT) {
  const { build: esbuild } = await import('esbuild');
  const read = new Map();
  for (const file of SETTINGS) {
    try {
      read.set(file, readFileSync(join(root, file)));
    } catch {
      /* counted as missing */
    }
  }
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [join(root, 'src/main.ts')],
    // Only its depth counts (import.meta.url is rewritten relative to it): the folder is named once built.
    outfile: join(dist, 'build', 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    plugins: [sourceUrls(join(dist, 'build'), root, read)],
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const sources = Object.keys(result.metafile.inputs)
    .filter((f) => !f.startsWith('node_modules/') && !f.includes('/node_modules/'))
    .map((f) => relative(root, join(root, f)).split(sep).join('/'));
  const digest = sourcesDigest(sources, root, read);
  const folder = digest.slice(0, 16);
  mkdirSync(join(dist, folder), { recursive: true });
  const bundle = join(dist, folder, 'main.cjs');
  const aside = (file) => `${file}.${process.pid}.tmp`;
  writeFileSync(aside(bundle), result.outputFiles[0].contents);
  renameSync(aside(bundle), bundle);
  const { size, mtimeMs } = statSync(bundle);
  const manifest = join(dist, 'build.json');
  writeFileSync(
    aside(manifest),
    `${JSON.stringify({ digest, bundle: `${folder}/main.cjs`, size, mtimeMs, sources }, null, 2)}\n`,
  );
  renameSync(aside(manifest), manifest);
  for (const entry of readdirSync(dist, { withFileTypes: true }))
    if (entry.isDirectory() && entry.name !== folder) rmSync(join(dist, entry.name), { recursive: true, force: true });
  return { bundle, digest, sources };
}

// npm run build
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const { bundle, sources } = await build();
  process.stdout.write(
    `${relative(ROOT, bundle)}: ${sources.length} project modules and their packages, ${Math.round(performance.now() - started)} ms\n`,
  );
}
