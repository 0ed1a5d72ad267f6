import { createInterface } from 'node:readline/promises';
import { clockFrom, loadConfig, loadDotEnv } from './config.ts';
import { createAssistant } from './assistant.ts';
import { ConsoleAdapter } from './console-adapter.ts';
import { createLogger } from './logger.ts';
import { turnErrorHandler } from './turn-error.ts';

/**
 * npm run chat: talk to the assistant in the terminal (no server, no Azure). Ctrl+D or « quit » to
 * leave; a button is picked by its number. Questions piped in (`… | npm run chat`) are echoed, so the
 * output reads as a conversation.
 */
const HELP = "Posez votre question, ou tapez le numéro d'un bouton. Pour quitter : « quit » ou Ctrl+D.";

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const assistant = createAssistant({
    ...(config.KNOWLEDGE_FILE ? { knowledgeFile: config.KNOWLEDGE_FILE } : {}),
    links: config.links,
    contact: config.contact,
    retentionDays: config.TRANSCRIPT_RETENTION_DAYS,
    ...(config.ORG_PRIVACY_URL ? { privacyUrl: config.ORG_PRIVACY_URL } : {}),
    clock: clockFrom(config),
  });
  const adapter = new ConsoleAdapter((line) => process.stdout.write(`${line}\n`));
  adapter.onTurnError = turnErrorHandler(assistant, createLogger('error'));
  const logic = (context: Parameters<typeof assistant.bot.run>[0]) => assistant.bot.run(context);
  process.stdout.write(`${HELP}\n`);
  await adapter.join(logic);

  const piped = !process.stdin.isTTY;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: !piped });
  rl.setPrompt('\nvous> ');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    // A terminal shows what was typed; piped input is not echoed by anyone else.
    if (piped) process.stdout.write(`${line}\n`);
    if (text === 'quit' || text === 'exit') break;
    const said = adapter.resolve(text);
    if (said !== text) process.stdout.write(`  → ${said}\n`);
    if (said) await adapter.say(said, logic);
    rl.prompt();
  }
  rl.close();
}

main().catch((err: unknown) => {
  console.error(`Cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
