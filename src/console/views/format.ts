/** A time as staff read it: « 2026-11-26 14:05 » (the server's time zone). */
export function when(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A day for a date field: « 2026-11-26 ». */
export function day(d: Date): string {
  return when(d).slice(0, 10);
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)} %` : '—';
}

/** A long text cut for a table cell, at a word when possible. */
export function excerpt(text: string, max = 120): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}
