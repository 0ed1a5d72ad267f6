/**
 * What `npm run transcripts` does (src/transcripts/cli.ts is the process around it), its
 * configuration and output given rather than taken from the process, so that tests run it in process
 * (a process start is a second or more) and the process test checks the rest.
 */
import { writeFileSync } from 'node:fs';
import { format, parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { pseudonymize } from '../privacy/pseudonym.ts';
import { openPostgres } from '../storage/postgres.ts';
import { PostgresTranscriptStore } from './postgres-store.ts';
import { SqliteTranscriptStore } from './sqlite-store.ts';
import type { TranscriptStore } from './store.ts';
import { resolvePseudonymKey } from './setup.ts';
import { toTranscriptFile } from './export.ts';

export interface TranscriptsCommandIo {
  /** The configuration, read only once the arguments are known good (the process reads .env then). */
  config: () => Config;
  stdout: { write: (text: string) => unknown };
  stderr: { write: (text: string) => unknown };
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what printable() makes visible
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Learners' text shown on a terminal: control characters (escape sequences that move the cursor,
 * rewrite the title or the screen) become visible « \u001b » forms instead of acting.
 */
function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const USAGE =
  'usage: npm run transcripts -- list | show <conversation> | export <conversation> [file] | purge [days] | erase <learner id>';

/** Runs one command; resolves with the exit code. */
export async function transcriptsCommand(argv: string[], io: TranscriptsCommandIo): Promise<number> {
  const log = (...args: unknown[]) => io.stdout.write(`${format(...args)}\n`);
  const error = (...args: unknown[]) => io.stderr.write(`${format(...args)}\n`);
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} }));
  } catch (err) {
    // An option this command does not have (« --all », a negative « -5 »): say so before touching the store.
    error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = io.config();
  let store: TranscriptStore;
  try {
    store = config.DATABASE_URL
      ? new PostgresTranscriptStore(await openPostgres(config.DATABASE_URL, { max: 1 }), { ownsPool: true })
      : new SqliteTranscriptStore(config.TRANSCRIPTS_FILE);
  } catch (err) {
    error((err as Error).message);
    return 2;
  }
  const [command, arg, extra] = positionals;
  try {
    switch (command) {
      case 'list': {
        const rows = await store.conversations();
        for (const c of rows) {
          log(
            printable(
              `${c.lastAt.toISOString()}  ${c.channelId.padEnd(10)} ${String(c.questions).padStart(3)} questions  ${String(c.unanswered).padStart(2)} sans réponse  ${c.conversationId}`,
            ),
          );
        }
        log(`${rows.length} conversation(s)`);
        return 0;
      }
      case 'show': {
        if (!arg) throw new Error('usage: show <conversation>');
        for (const e of await store.activities(arg)) {
          const who = e.direction === 'in' ? 'apprenant' : 'assistant';
          const how = e.intent ? `  [${e.intent} ${e.confidence?.toFixed(2) ?? ''} ${e.status ?? ''}]` : '';
          log(printable(`${e.at.toISOString()} ${who}: ${e.error ? `ERREUR ${e.error}` : e.text}${how}`));
        }
        return 0;
      }
      case 'export': {
        if (!arg) throw new Error('usage: export <conversation> [file]');
        const file = extra ?? `${arg.replace(/[^A-Za-z0-9_-]+/g, '_')}.transcript`;
        writeFileSync(file, toTranscriptFile(await store.activities(arg)));
        log(`written: ${file}`);
        return 0;
      }
      case 'purge': {
        const days = arg ? Number(arg) : config.TRANSCRIPT_RETENTION_DAYS;
        if (!Number.isInteger(days) || days < 0) throw new Error('usage: purge [days]');
        const removed = await store.purgeBefore(new Date(Date.now() - days * 86_400_000));
        log(`${removed} activit(y/ies) older than ${days} days removed`);
        return 0;
      }
      case 'erase': {
        if (!arg) throw new Error('usage: erase <learner id>');
        const id = arg.startsWith('u_')
          ? arg
          : pseudonymize(arg, resolvePseudonymKey(config.TRANSCRIPTS_FILE, config.TRANSCRIPT_PSEUDONYM_KEY));
        log(`${await store.eraseUser(id)} activit(y/ies) of ${id} erased`);
        return 0;
      }
      default:
        throw new Error(USAGE);
    }
  } catch (err) {
    error((err as Error).message);
    return 2;
  } finally {
    await store.close();
  }
}
