import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Storage } from 'botbuilder-core';
import { loadConfig } from '../src/config.ts';
import { createAdapter } from '../src/adapter.ts';
import { createServer } from '../src/server.ts';
import { TurnRunner, type TurnLogic } from '../src/turns/turn-runner.ts';
import type { Assistant } from '../src/assistant.ts';
import { testAssistant } from './helpers.ts';
import { setUpTranscripts } from '../src/transcripts/setup.ts';
import type pg from 'pg';
import type { TranscriptsSetUp } from '../src/transcripts/setup.ts';

/** Log lines a test can read (pino writes JSON lines to this stream). */
export class LogLines {
  readonly lines: Record<string, unknown>[] = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  messages(): string[] {
    return this.lines.map((l) => String(l.msg));
  }
}

export interface InProcessBot {
  url: string;
  assistant: Assistant;
  turns: TurnRunner;
  logs: LogLines;
  stop: () => Promise<void>;
  /** With `transcriptsFile`: the recorder in the adapter, as npm start has it. */
  transcripts?: TranscriptsSetUp;
}

/**
 * The real server (restify, CloudAdapter in local mode, the /api/messages route, the turn runner) in
 * this process, on a loopback port: for tests about turns rather than about the process.
 */
export async function startInProcessBot(
  o: {
    storage?: Storage;
    logic?: (bot: TurnLogic) => TurnLogic;
    env?: Record<string, string>;
    /** Records transcripts as npm start does: in this SQLite file, or with `transcriptsPool` in PostgreSQL (the journal beside this file). */
    transcriptsFile?: string;
    transcriptsPool?: pg.Pool;
  } = {},
): Promise<InProcessBot> {
  const config = loadConfig({ ASSISTANT_TODAY: '2026-11-26', REPLY_TIMEOUT_MS: '2000', ...o.env });
  const logs = new LogLines();
  const logger = pino({ level: 'info' }, logs);
  const assistant = testAssistant(o.storage ? { storage: o.storage } : {});
  const adapter = createAdapter(config, assistant, logger);
  const transcripts = o.transcriptsFile
    ? await setUpTranscripts(
        {
          file: o.transcriptsFile,
          retentionDays: 180,
          pseudonymKey: 'k'.repeat(32),
          ...(o.transcriptsPool ? { pool: o.transcriptsPool } : {}),
        },
        logger,
      )
    : undefined;
  if (transcripts) adapter.use(transcripts.recorder);
  const turns = new TurnRunner(o.logic ? o.logic(assistant.bot) : assistant.bot, { logger });
  const server = createServer({ adapter, assistant, logger, maxBodyBytes: config.MAX_BODY_BYTES, turns });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    assistant,
    turns,
    logs,
    ...(transcripts ? { transcripts } : {}),
    stop: async () => {
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      await transcripts?.stop();
    },
  };
}

/** Posts one message activity of `conversationId` as an Emulator-like channel would. */
export async function postMessage(
  botUrl: string,
  serviceUrl: string,
  conversationId: string,
  text: string,
  from = 'learner-1',
): Promise<Response> {
  return fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      channelId: 'emulator',
      serviceUrl,
      id: `m-${Math.random().toString(36).slice(2)}`,
      timestamp: new Date().toISOString(),
      locale: 'fr-FR',
      from: { id: from },
      recipient: { id: 'bot' },
      conversation: { id: conversationId },
      text,
    }),
  });
}
