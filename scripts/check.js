/**
 * The static checks of `npm test`, before vitest: the type check (tsc), lint (ESLint), format
 * (Prettier) and dependencies (knip), each one process on one core, on two lanes side by side: lint
 * alone (the longest: typescript-eslint builds its own program of the project and runs the
 * type-checked rules on it), beside the chain typecheck → format → dependencies. On a fresh clone
 * (no caches) that is about 43 s and 25 + 11 + 3 s: the checks end when lint does, not 14 s later as
 * when lint → format → dependencies ran beside the type check alone. Each step's output is printed
 * whole once all have ended (never interleaved), in the README's order; a lane stops at its first
 * failure, and any failure makes the whole check fail (exit 1).
 */
import { spawn } from 'node:child_process';
import process from 'node:process';

/** Runs `npm run <script>`, its output kept; resolves with the exit code, the output and the time. */
function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    // npm's own CLI when npm runs this (npm test), through this Node: no shell, on any system.
    const npm = process.env.npm_execpath;
    const child = npm
      ? spawn(process.execPath, [npm, 'run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ script, code: 1, output: `${output}${err.message}\n`, ms: 0 }));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output, ms: Date.now() - started }));
  });
}

async function chain(scripts) {
  const results = [];
  for (const script of scripts) {
    const result = await run(script);
    results.push(result);
    if (result.code !== 0) break;
  }
  return results;
}

const ORDER = ['typecheck', 'lint', 'format:check', 'deps'];
const lanes = await Promise.all([chain(['lint']), chain(['typecheck', 'format:check', 'deps'])]);
const results = lanes.flat().sort((a, b) => ORDER.indexOf(a.script) - ORDER.indexOf(b.script));
let failed = false;
for (const { script, code, output, ms } of results) {
  process.stdout.write(
    `> npm run ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}, ${(ms / 1000).toFixed(1)} s\n`,
  );
  if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
  failed ||= code !== 0;
}
process.exit(failed ? 1 : 0);
