/**
 * The static checks of `npm test`, before vitest: the type check (tsc) beside the chain lint → format →
 * dependencies (ESLint, Prettier, knip). Each is one process on one core, and the type check alone
 * takes about as long as the three others: side by side on two cores they end when the longest does.
 * Each step's output is printed whole once it ends (never interleaved), in the README's order; the
 * chain stops at its first failure, and any failure makes the whole check fail (exit 1).
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

const [typecheck, rest] = await Promise.all([run('typecheck'), chain(['lint', 'format:check', 'deps'])]);
let failed = false;
for (const { script, code, output, ms } of [typecheck, ...rest]) {
  process.stdout.write(
    `> npm run ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}, ${(ms / 1000).toFixed(1)} s\n`,
  );
  if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
  failed ||= code !== 0;
}
process.exit(failed ? 1 : 0);
