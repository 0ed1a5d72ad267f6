import { Readable } from 'node:stream';
import { loadConfig } from '../src/config.ts';
import { staffCommand } from '../src/console/staff-command.ts';

/**
 * `npm run staff` in this process, with this environment and `input` as its standard input (a pipe,
 * not a terminal): what spawnSync would give, without a process start (a second or more each).
 * test/staff.test.ts starts the real process once.
 */
export async function staffInProcess(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await staffCommand(args, {
    config: () => loadConfig({ ...process.env, ...env }),
    stdin: Readable.from(input ? [Buffer.from(input)] : []),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { status, stdout, stderr };
}
