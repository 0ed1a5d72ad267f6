/**
 * npm start: runs the server's bundle, dist/<digest>/main.cjs (scripts/build.js), building it first when it is
 * missing or older than its sources — on a fresh clone `npm ci && npm start` builds it once (a few
 * seconds), later starts only check that it is fresh (a few milliseconds).
 *
 * The bundle is compiled with V8's code cache: the first start writes the bytecode of every function
 * it compiled, up to its first answer, beside the bundle (written when the process exits, or a minute
 * after the start), and later starts load that instead of parsing and compiling ~10 MB of JavaScript
 * again (Node 22's module.enableCompileCache does the same for plain modules; Node 20 does not have
 * it). V8 itself refuses a cache made by another V8 version or with other flags; the cache lives in
 * its build's own folder, which the next build removes.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { setFlagsFromString } from 'node:v8';
import { Script, constants } from 'node:vm';
import { build, current } from './build.js';

// V8's young generation at most 4 MB per semi-space (Node 20's default is 16 on 64-bit machines). A
// turn allocates a few hundred KB that die young; with the default, V8 let the young generation and then
// the old one grow under traffic and kept them: 162 MB of heap for 67 MB live after 1 500 conversations,
// 118 MB with this (RSS 248 → 226 MB), the same turns per second in the bench's A/B at c10. Both flags
// are set before anything is allocated; the code cache is made with them, so V8 accepts it at the next start.
setFlagsFromString('--max-semi-space-size=4');
// The old generation's limit raised by at most 25 % after each full collection (V8 otherwise picks a
// factor up to 4× from the allocation rate). Under the bench's traffic V8 kept 104–290 MB of heap for a
// live heap of 62–68 MB, and RSS wandered 199–389 MB with the last collection's timing; with this, RSS
// stayed 198–214 MB over 6 000 conversations (peak 219 MB), live heap unchanged, and c10 throughput
// the same in an A/B beside the echo bot (97 vs 89 turns/s, echo 284; CPU 12.3 vs 12.5 ms per turn).
setFlagsFromString('--heap-growing-percent=25');

let built = current();
if (!built) {
  process.stderr.write(
    'npm start: bundling the server into dist/ (its sources changed since the last build, or it is missing)…\n',
  );
  built = await build();
}
const { bundle: BUNDLE } = built; // dist/<digest>/main.cjs
// Beside the bundle, in its build's own folder: it goes with it.
const cacheFile = join(dirname(BUNDLE), 'main.v8-cache');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  /* first start of this build */
}
const script = new Script(Module.wrap(readFileSync(BUNDLE, 'utf8')), {
  filename: BUNDLE,
  ...(cachedData ? { cachedData } : {}),
  // The bundle has no import() of its own; a package that has one loads as it would from a file.
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

let cacheWritten = cachedData !== undefined && !script.cachedDataRejected;
/** Everything compiled so far (the modules' top levels, a whole first turn), for the next start. */
function writeCodeCache() {
  if (cacheWritten) return;
  cacheWritten = true;
  try {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only dist/: every start compiles, as without a cache.
  }
}
process.once('exit', writeCodeCache);
setTimeout(writeCodeCache, 60_000).unref();

const module = new Module(BUNDLE);
module.filename = BUNDLE;
script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
