/**
 * npm run transcripts -- list | show <conversation> | export <conversation> [file] | purge [days] | erase <user>
 *
 * The transcripts from a terminal, in the server's database: PostgreSQL with DATABASE_URL (every
 * instance's), else TRANSCRIPTS_FILE. `erase` takes the learner's channel id (it is pseudonymised the
 * same way) or a pseudonymous id (u_…).
 */
import { loadConfig, loadDotEnv } from '../config.ts';
import { transcriptsCommand } from './transcripts-command.ts';

transcriptsCommand(process.argv.slice(2), {
  config: () => {
    loadDotEnv();
    return loadConfig();
  },
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(2);
  },
);
