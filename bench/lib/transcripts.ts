/**
 * Transcripts recorded per second: the server's recorder middleware (redaction, pseudonyms, the
 * understanding trace, SQLite in WAL mode, written off the turn's path) on a botbuilder TestAdapter whose bot sends one reply per
 * message, so each turn records two activities, as a question and its answer do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter } from 'botbuilder-core';
import { createLogger } from '../../src/logger.ts';
import { setUpTranscripts } from '../../src/transcripts/setup.ts';

export async function transcriptWrites(
  turns: number,
): Promise<{ writesPerSec: number; activities: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-transcripts-'));
  const t = await setUpTranscripts(
    { file: join(dir, 'transcripts.sqlite'), retentionDays: 180, pseudonymKey: 'bench' },
    createLogger('error'),
  );
  try {
    const run = async (n: number, offset: number) => {
      for (let i = 0; i < n; i++) {
        const adapter = new TestAdapter(
          async (context) => {
            await context.sendActivity(
              "L'inscription se fait auprès du rectorat de votre académie, à l'automne. Source : Modalités, inscription.",
            );
          },
          {
            channelId: 'bench',
            conversation: { id: `conv-${offset + i}` },
            user: { id: `learner-${offset + i}`, name: 'Jeanne Martin' },
          } as never,
        );
        adapter.use(t.recorder);
        await adapter.send(
          `bonjour, je m'appelle Jeanne, mon mail est jeanne.martin${i}@example.fr, c'est quand l'inscription ?`,
        );
      }
    };
    await run(Math.min(200, turns), 0); // warm-up
    const t0 = performance.now();
    await run(turns, 1_000_000);
    // Writes leave the turn's path (one ordered chain): the time counts until the last is stored.
    await t.recorder.idle();
    const seconds = (performance.now() - t0) / 1000;
    return { writesPerSec: (2 * turns) / seconds, activities: 2 * turns, seconds };
  } finally {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
