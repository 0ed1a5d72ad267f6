import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build as bundle, current as fresh } from '../scripts/build.js';
import { tempDir } from './temp.ts';

/**
 * scripts/build.js, what `npm start` runs (scripts/start.js): on a small project of its own, so that
 * its sources can be changed. The assistant's own bundle is started by the process tests
 * (test/server-process.ts starts the bot as `npm start` does).
 */
describe('the server bundle (scripts/build.js)', () => {
  function project() {
    const root = tempDir('build-');
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'knowledge'));
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    // A module that finds its folder from import.meta.url, as knowledge/paths.ts does.
    writeFileSync(
      join(root, 'knowledge', 'paths.ts'),
      "import { fileURLToPath } from 'node:url';\nexport const HERE: string = fileURLToPath(new URL('.', import.meta.url));\n",
    );
    writeFileSync(
      join(root, 'src', 'main.ts'),
      "import { HERE } from '../knowledge/paths.ts';\nconsole.log(JSON.stringify({ here: HERE, answer: 42 }));\n",
    );
    return { root, dist: join(root, 'dist') };
  }
  const run = (file: string) => JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as object;

  it('bundles src/main.ts; a module still finds its own folder from import.meta.url', async () => {
    const { root, dist } = project();
    expect(fresh(dist, root)).toBeNull();
    const built = await bundle(dist, root);
    expect(built.sources.sort()).toEqual(['knowledge/paths.ts', 'src/main.ts']);
    expect(run(built.bundle)).toEqual({ here: `${join(root, 'knowledge')}/`, answer: 42 });
    expect(fresh(dist, root)).toEqual({ bundle: built.bundle, digest: built.digest });
  }, 60_000);

  it('is stale as soon as a source, the lock file or the bundle itself changes; a new build replaces the old one', async () => {
    const { root, dist } = project();
    const first = await bundle(dist, root);
    writeFileSync(join(root, 'knowledge', 'paths.ts'), 'export const HERE = "moved";\n');
    expect(fresh(dist, root)).toBeNull();
    const second = await bundle(dist, root);
    expect(second.digest).not.toBe(first.digest);
    expect(existsSync(first.bundle)).toBe(false);
    expect(readdirSync(dist).sort()).toEqual([second.digest.slice(0, 16), 'build.json'].sort());
    expect(run(second.bundle)).toEqual({ here: 'moved', answer: 42 });
    expect(fresh(dist, root)).not.toBeNull();
    // Packages installed or upgraded (npm's lock files are among what decides a bundle).
    writeFileSync(join(root, 'package-lock.json'), '{}');
    expect(fresh(dist, root)).toBeNull();
    const third = await bundle(dist, root);
    // The bundle edited by hand is not run as the build's.
    writeFileSync(third.bundle, 'console.log("{}")');
    expect(fresh(dist, root)).toBeNull();
  }, 60_000);
});
