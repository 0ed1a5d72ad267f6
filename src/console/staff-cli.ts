/**
 * npm run staff -- add <login>      create an account (password asked twice, not shown)
 * npm run staff -- list             accounts and when their password was set
 * npm run staff -- reset <login>    a new password (the account's open sessions end)
 * npm run staff -- remove <login>   remove an account (its open sessions end)
 *
 * On a terminal the password is read without echo and asked twice; otherwise (a script) it is the
 * first line of standard input. Never from the arguments: they show in `ps` and the shell history.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from '../config.ts';
import { AccountError, StaffAccounts, type StaffAccountStore } from './staff-accounts.ts';
import { PostgresStaffAccounts } from './postgres-staff.ts';
import { openPostgres } from '../storage/postgres.ts';

const USAGE = `Utilisation : npm run staff -- add <identifiant> | list | reset <identifiant> | remove <identifiant>
  add     crée un compte (mot de passe demandé deux fois, sans affichage)
  list    liste les comptes
  reset   change le mot de passe d'un compte (ses sessions ouvertes se ferment)
  remove  supprime un compte (ses sessions ouvertes se ferment)`;

/** One line typed on the terminal, not shown: raw mode, characters collected until Enter. */
function readHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (value: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const c of chunk.toString('utf8')) {
        if (c === '\r' || c === '\n') return done(typed);
        if (c === '\u0003' || c === '\u0004') return done(new AccountError('abandon'));
        if (c === '\u007f' || c === '\b') typed = [...typed].slice(0, -1).join('');
        else if (c >= ' ') typed += c;
      }
    };
    stdin.on('data', onData);
  });
}

async function firstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break; // first line is enough
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function newPassword(login: string): Promise<string> {
  if (!process.stdin.isTTY) return firstLine();
  const password = await readHidden('Mot de passe (12 caractères au moins, non affiché) : ');
  StaffAccounts.check(login, password);
  if ((await readHidden('Confirmez le mot de passe : ')) !== password)
    throw new AccountError('les deux mots de passe diffèrent : rien n’a été changé');
  return password;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {} });
  } catch {
    console.error(USAGE);
    return 2;
  }
  const [command, login] = parsed.positionals;
  if (!command || !['add', 'list', 'reset', 'remove'].includes(command) || (command !== 'list' && !login)) {
    console.error(USAGE);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  // With DATABASE_URL, the accounts every instance signs in with; otherwise STAFF_FILE.
  const pool = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL) : undefined;
  const accounts: StaffAccountStore = pool ? new PostgresStaffAccounts(pool) : new StaffAccounts(config.STAFF_FILE);
  try {
    switch (command) {
      case 'add':
        StaffAccounts.checkLogin(login!); // before asking for a password
        await accounts.add(login!, await newPassword(login!));
        console.log(`Compte « ${login} » créé.`);
        break;
      case 'reset':
        if ((await accounts.validSince(login!)) === undefined) throw new AccountError(`aucun compte « ${login} »`);
        await accounts.reset(login!, await newPassword(login!));
        console.log(`Mot de passe de « ${login} » changé ; ses sessions ouvertes sont fermées.`);
        break;
      case 'remove':
        await accounts.remove(login!);
        console.log(`Compte « ${login} » supprimé ; ses sessions ouvertes sont fermées.`);
        break;
      case 'list': {
        const list = await accounts.list();
        for (const a of list)
          console.log(
            `${a.login.padEnd(40)} créé le ${a.createdAt.toISOString().slice(0, 10)}, mot de passe du ${a.passwordChangedAt.toISOString().slice(0, 10)}`,
          );
        console.log(`${list.length} compte(s)`);
        break;
      }
    }
    return 0;
  } catch (err) {
    console.error(err instanceof AccountError ? `Erreur : ${err.message}` : err);
    return err instanceof AccountError ? 1 : 2;
  } finally {
    await accounts.close();
    await pool?.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A configuration or database that cannot be used (DATABASE_URL unreachable): one line.
    console.error(err instanceof ConfigError ? `Erreur : ${err.message}` : err);
    process.exit(2);
  },
);
