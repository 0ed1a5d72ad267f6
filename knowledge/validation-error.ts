import type { z } from 'zod';

/**
 * Turns zod issues into one clear message naming the file, the field path and what was expected,
 * e.g. `knowledge/kb.yaml: entries[3].source.quotes: expected array, received string`.
 */
export function formatZodIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => `${file}: ${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > 5) lines.push(`${file}: … and ${error.issues.length - 5} more problem(s)`);
  return lines.join('\n');
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
