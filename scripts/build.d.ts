/** Types of scripts/build.js (plain JavaScript: it runs before anything is compiled), for the tests. */
export const ROOT: string;
export const DIST: string;
export function sourcesDigest(files: readonly string[], root?: string, read?: Map<string, Buffer>): string;
export function current(dist?: string, root?: string): { bundle: string; digest: string } | null;
export function build(dist?: string, root?: string): Promise<{ bundle: string; digest: string; sources: string[] }>;
