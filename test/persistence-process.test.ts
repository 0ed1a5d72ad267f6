import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandInConnector, startBot, type RunningBot } from './server-process.ts';
import { postMessage } from './in-process-bot.ts';
import { startApp } from './in-process-app.ts';
import { folded } from './helpers.ts';

const connector = new StandInConnector();
const dir = mkdtempSync(join(tmpdir(), 'bot-persist-'));
// The same files across restarts, as a deployed server has.
const env = {
  ASSISTANT_TODAY: '2026-11-26',
  TRANSCRIPTS_FILE: join(dir, 'transcripts.sqlite'), STAFF_FILE: join(dir, 'staff.sqlite'), STATE_FILE: join(dir, 'state.sqlite'),
};
let bot: RunningBot | undefined;

beforeAll(async () => { await connector.start(); });
afterAll(async () => {
  await bot?.stop();
  await connector.stop();
});

const texts = (conversationId: string) => connector.messagesFor(conversationId).map((a) => folded(String(a.text)));

describe('a learner keeps their place in a dialog', () => {
  it('across kill -9 and a restart: « je veux m\'inscrire » → « oui » → crash → « en juin 2026 » continues', async () => {
    const conv = 'persist-kill-9';
    bot = await startBot(env);
    await postMessage(bot.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');
    await postMessage(bot.url, connector.url, conv, 'oui');
    expect(texts(conv).at(-1)).toMatch(/^quand l'avez-vous terminee \?/);
    // The reply left after the state was saved (replies wait for the save): nothing to flush.
    await bot.crash();
    expect(await bot.exited).toBe('SIGKILL');

    bot = await startBot(env);
    const before = texts(conv).length;
    await postMessage(bot.url, connector.url, conv, 'en juin 2026');
    const after = texts(conv).slice(before).join('\n');
    expect(after).not.toMatch(/vouliez-vous dire/);
    // The end date was read as the answer to « Quand l'avez-vous terminée ? »: the next step is asked…
    expect(after).toMatch(/dans quel departement habitez-vous/);
    // …and the summary that ends the dialog holds the plan computed from that date.
    const count = texts(conv).length;
    await postMessage(bot.url, connector.url, conv, '69');
    // On the Emulator the summary is an Adaptive Card: its text is in the card.
    const summary = connector.messagesFor(conv).slice(count).map((a) => folded(JSON.stringify(a.attachments ?? []))).join('\n');
    expect(summary).toMatch(/juin 2027[\s\S]*lyon/);
    await bot.stop();
    expect(await bot.exited).toBe(0);
  });

  it('after STATE_TTL_HOURS of silence, a conversation starts afresh', async () => {
    // The clock of the server is the real one; a time to live of about a second stands for a day.
    // Not about the process: the app npm start serves, in this one.
    const conv = 'persist-expired';
    const bot = await startApp({ ...env, STATE_TTL_HOURS: '0.0003' });
    await postMessage(bot.url, connector.url, conv, "je veux m'inscrire");
    expect(texts(conv).at(-1)).toBe('avez-vous termine votre formation ?');
    await new Promise((r) => setTimeout(r, 1500));
    const before = texts(conv).length;
    await postMessage(bot.url, connector.url, conv, 'oui');
    // « oui » is no longer the answer to a question asked: it is read as a new message.
    expect(texts(conv).slice(before).join('\n')).not.toMatch(/quand l'avez-vous terminee/);
    await bot.stop();
  });
});
