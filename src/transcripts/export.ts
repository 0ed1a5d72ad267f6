import type { TranscriptEntry } from './store.ts';

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * A conversation as a `.transcript` file: the JSON array of activities that Bot Framework Emulator
 * opens (File › Open transcript). The activities are the redacted ones stored, with what the Emulator's
 * Web Chat needs to show them as it would a native conversation: `from.role` / `recipient.role` from
 * who sent each one (Teams sends no roles, and without "user" every message shows on the bot's side),
 * and the channel's own timestamp (the time stored only for replies, which have none).
 */
export function toTranscriptFile(entries: TranscriptEntry[]): string {
  const activities = entries
    .filter((e) => e.type !== 'error')
    .map((e) => {
      const a = e.activity;
      const [sender, receiver] = e.direction === 'in' ? ['user', 'bot'] : ['bot', 'user'];
      return {
        ...a,
        type: typeof a.type === 'string' ? a.type : e.type,
        timestamp: typeof a.timestamp === 'string' ? a.timestamp : e.at.toISOString(),
        // Rows stored before the recorder kept the channel's strings may hold `{}` here: left out.
        localTimestamp: typeof a.localTimestamp === 'string' ? a.localTimestamp : undefined,
        from: { ...asObject(a.from), role: sender },
        recipient: { ...asObject(a.recipient), role: receiver },
      };
    });
  return JSON.stringify(activities, null, 2);
}

function csvCell(value: string | number | null | undefined): string {
  const s = value === undefined || value === null ? '' : String(value);
  // Quote everything; neutralise spreadsheet formulas (=, +, -, @) typed by learners.
  // Spreadsheets skip leading spaces and line breaks before reading a formula (« ␣=HYPERLINK(…) »).
  const safe = /^[\s]*[=+\-@]|^[\t\r\n]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

const CSV_HEADER =
  [
    'conversation',
    'channel',
    'user',
    'at',
    'direction',
    'type',
    'text',
    'intent',
    'confidence',
    'status',
    'entry',
    'error',
  ].join(',') + '\n';

function csvRows(entries: TranscriptEntry[]): string {
  return entries
    .map(
      (e) =>
        [
          e.conversationId,
          e.channelId,
          e.userId,
          e.at.toISOString(),
          e.direction,
          e.type,
          e.text,
          e.intent,
          e.confidence,
          e.status,
          e.entryId,
          e.error,
        ]
          .map(csvCell)
          .join(',') + '\n',
    )
    .join('');
}

/** Activities as CSV (one row per activity), for spreadsheets. */
export function toCsv(entries: TranscriptEntry[]): string {
  return CSV_HEADER + csvRows(entries);
}

/** Where the CSV goes: an HTTP response (write() says false when the client reads slower than we write). */
export interface CsvSink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  end(): void;
}

/**
 * Writes the CSV conversation by conversation. SQLite reads synchronously: one export of every
 * activity in one go held the whole server (290 000 activities: /healthz waited 8.5 s); PostgreSQL
 * would hold them all in memory. Between conversations the event loop turns, so other learners and
 * staff are served; when the client reads slowly the export waits for it instead of piling the file
 * up in memory; when the client goes away the export stops.
 */
export async function writeCsv(
  out: CsvSink,
  conversationIds: Iterable<string>,
  activitiesOf: (conversationId: string) => Promise<TranscriptEntry[]>,
): Promise<void> {
  let gone = false;
  out.once('close', () => {
    gone = true;
  });
  out.write(CSV_HEADER);
  for (const id of conversationIds) {
    if (gone) return;
    const rows = csvRows(await activitiesOf(id));
    if (gone) return;
    const written = out.write(rows);
    if (!written)
      await new Promise<void>((resolve) => {
        out.once('drain', resolve);
        out.once('close', resolve);
      });
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!gone) out.end();
}
