/**
 * npm run staff -- add <login>   (the password is read from standard input, never from arguments)
 * npm run staff -- count
 */
import { loadConfig, loadDotEnv } from '../config.ts';
import { StaffAccounts } from './staff-accounts.ts';

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Mot de passe (12 caractères au moins) : ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break; // first line is enough
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const config = loadConfig();
  const accounts = new StaffAccounts(config.STAFF_FILE);
  try {
    const [command, login] = argv;
    if (command === 'add' && login) {
      await accounts.add(login, await readPassword());
      console.log(`staff account "${login}" created`);
      return 0;
    }
    if (command === 'count') {
      console.log(String(accounts.count()));
      return 0;
    }
    throw new Error('usage: npm run staff -- add <login>   (password on standard input)');
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  } finally {
    accounts.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
