/**
 * What `npm run staff` does (src/console/staff-cli.ts is the process around it): the command, its
 * arguments, where the password comes from and where it writes, given rather than taken from the
 * process, so that tests run it in process (a process start is a second or more) and the process test
 * checks the rest.
 */
import { format } from 'node:util';
import type { ReadStream } from 'node:tty';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { AccountError, StaffAccounts, type StaffAccountStore } from './staff-accounts.ts';
import { PostgresStaffAccounts } from './postgres-staff.ts';
import { openPostgres } from '../storage/postgres.ts';

export interface StaffCommandIo {
  /** The configuration, read only once the arguments are known good (the process reads .env then). */
  config: () => Config;
  /** Where the password is read: a terminal (hidden, asked twice) or the first line of a pipe. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write: (text: string) => unknown };
  stderr: { write: (text: string) => unknown };
}

const USAGE = `Utilisation : npm run staff -- add <identifiant> | list | reset <identifiant> | remove <identifiant>
  add     crée un compte (mot de passe demandé deux fois, sans affichage)
  list    liste les comptes
  reset   change le mot de passe d'un compte (ses sessions ouvertes se ferment)
  remove  supprime un compte (ses sessions ouvertes se ferment)`;

/** One line typed on the terminal, not shown: raw mode, characters collected until Enter. */
function readHidden(io: StaffCommandIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = io.stdin as ReadStream;
    io.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (value: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
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

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break; // first line is enough
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function newPassword(io: StaffCommandIo, login: string): Promise<string> {
  if (!io.stdin.isTTY) return firstLine(io.stdin);
  const password = await readHidden(io, 'Mot de passe (12 caractères au moins, non affiché) : ');
  StaffAccounts.check(login, password);
  if ((await readHidden(io, 'Confirmez le mot de passe : ')) !== password)
    throw new AccountError('les deux mots de passe diffèrent : rien n’a été changé');
  return password;
}

/** Runs one command; resolves with the exit code. A configuration or database that cannot be used rejects. */
export async function staffCommand(argv: string[], io: StaffCommandIo): Promise<number> {
  const log = (...args: unknown[]) => io.stdout.write(`${format(...args)}\n`);
  const error = (...args: unknown[]) => io.stderr.write(`${format(...args)}\n`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {} });
  } catch {
    error(USAGE);
    return 2;
  }
  const [command, login] = parsed.positionals;
  if (!command || !['add', 'list', 'reset', 'remove'].includes(command) || (command !== 'list' && !login)) {
    error(USAGE);
    return 2;
  }
  const config = io.config();
  // With DATABASE_URL, the accounts every instance signs in with; otherwise STAFF_FILE.
  const pool = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL) : undefined;
  const accounts: StaffAccountStore = pool ? new PostgresStaffAccounts(pool) : new StaffAccounts(config.STAFF_FILE);
  try {
    switch (command) {
      case 'add':
        StaffAccounts.checkLogin(login!); // before asking for a password
        await accounts.add(login!, await newPassword(io, login!));
        log(`Compte « ${login} » créé.`);
        break;
      case 'reset':
        if ((await accounts.validSince(login!)) === undefined) throw new AccountError(`aucun compte « ${login} »`);
        await accounts.reset(login!, await newPassword(io, login!));
        log(`Mot de passe de « ${login} » changé ; ses sessions ouvertes sont fermées.`);
        break;
      case 'remove':
        await accounts.remove(login!);
        log(`Compte « ${login} » supprimé ; ses sessions ouvertes sont fermées.`);
        break;
      case 'list': {
        const list = await accounts.list();
        for (const a of list)
          log(
            `${a.login.padEnd(40)} créé le ${a.createdAt.toISOString().slice(0, 10)}, mot de passe du ${a.passwordChangedAt.toISOString().slice(0, 10)}`,
          );
        log(`${list.length} compte(s)`);
        break;
      }
    }
    return 0;
  } catch (err) {
    error(err instanceof AccountError ? `Erreur : ${err.message}` : err);
    return err instanceof AccountError ? 1 : 2;
  } finally {
    await accounts.close();
    await pool?.end();
  }
}
