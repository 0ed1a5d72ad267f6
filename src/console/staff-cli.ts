/**
 * npm run staff -- add <login>      create an account (password asked twice, not shown)
 * npm run staff -- list             accounts and when their password was set
 * npm run staff -- reset <login>    a new password (the account's open sessions end)
 * npm run staff -- remove <login>   remove an account (its open sessions end)
 *
 * On a terminal the password is read without echo and asked twice; otherwise (a script) it is the
 * first line of standard input. Never from the arguments: they show in `ps` and the shell history.
 */
import { ConfigError, loadConfig, loadDotEnv } from '../config.ts';
import { staffCommand } from './staff-command.ts';

staffCommand(process.argv.slice(2), {
  config: () => {
    loadDotEnv();
    return loadConfig();
  },
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A configuration or database that cannot be used (DATABASE_URL unreachable): one line.
    console.error(err instanceof ConfigError ? `Erreur : ${err.message}` : err);
    process.exit(2);
  },
);
