import type { TranscriptEntry } from './store.ts';

/**
 * A conversation as a `.transcript` file: the JSON array of activities that Bot Framework Emulator
 * opens (File › Open transcript). The activities are the redacted ones stored.
 */
export function toTranscriptFile(entries: TranscriptEntry[]): string {
  const activities = entries
    .filter((e) => e.type !== 'error')
    .map((e) => ({ ...e.activity, timestamp: e.at.toISOString(), ...(e.activity.type ? {} : { type: e.type }) }));
  return JSON.stringify(activities, null, 2);
}

function csvCell(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  // Quote everything; neutralise spreadsheet formulas (=, +, -, @) typed by learners.
  // Spreadsheets skip leading spaces and line breaks before reading a formula (« ␣=HYPERLINK(…) »).
  const safe = /^[\s]*[=+\-@]|^[\t\r\n]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Activities as CSV (one row per activity), for spreadsheets. */
export function toCsv(entries: TranscriptEntry[]): string {
  const header = ['conversation', 'channel', 'user', 'at', 'direction', 'type', 'text', 'intent', 'confidence', 'status', 'entry', 'error'];
  const rows = entries.map((e) => [e.conversationId, e.channelId, e.userId, e.at.toISOString(), e.direction, e.type, e.text, e.intent, e.confidence, e.status, e.entryId, e.error].map(csvCell).join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}
