/**
 * Reads a V8 .cpuprofile (node --cpu-prof) into the functions and the areas (project folder, npm
 * package, Node internals) that spent the most self time: the measured reason behind a missed target.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Hot {
  name: string;
  ms: number;
  share: number;
}
export interface ProfileSummary {
  totalMs: number;
  functions: Hot[];
  areas: Hot[];
  parts: Hot[];
}

/** Where a function lives: `src/server.ts`, `restify`, `node:internal`, `(garbage collector)`… */
export function areaOf(url: string, root: string): string {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return 'node: internals';
  if (path.startsWith(root)) return path.slice(root.length).replace(/\?.*$/, '');
  return path;
}

/** The part of the system an area belongs to, for the one table that tells where a turn's time goes. */
export function partOf(area: string): string {
  if (/^(intents\/|apparatus$|natural$)/.test(area)) return 'understanding (intents/nlu, natural)';
  if (area.startsWith('dialogs/')) return 'dialogs/';
  if (area.startsWith('knowledge/')) return 'knowledge/';
  if (area.startsWith('src/transcripts/') || area.startsWith('src/privacy/'))
    return 'transcripts (src/transcripts, redaction)';
  if (area.startsWith('src/storage/') || area === 'better-sqlite3')
    return 'SQLite (state, transcripts: better-sqlite3, src/storage)';
  if (area.startsWith('src/')) return 'src/ (server, turns, guards)';
  if (/^(botbuilder|botframework|@azure\/|@typespec\/|zod$|botbuilder-stdlib)/.test(area))
    return 'Bot Framework SDK (botbuilder, connector client, zod)';
  if (area === 'restify' || area.startsWith('find-my-way') || area === 'pino' || area.startsWith('pino-'))
    return 'restify, pino';
  if (area === 'node: internals' || area === '(native / V8)' || area === '(program)')
    return 'Node and V8 (HTTP, sockets, builtins)';
  if (area === '(garbage collector)') return 'garbage collector';
  if (area === '(idle)') return 'idle';
  if (area === 'yaml') return 'yaml (reading data files)';
  if (area === 'tsx' || area === 'esbuild') return 'tsx (TypeScript loader)';
  return `other: ${area}`;
}

/** Where a project function is: `intents/nlu/understand.ts`; a package's: `restify/lib/server.js`. */
function fileOf(url: string, root: string): string {
  const path = url.replace(/^file:\/\//, '').replace(/\?.*$/, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  if (path.startsWith(root)) return path.slice(root.length);
  return path;
}

/**
 * Self time per function and per area. `window` (µs, CLOCK_MONOTONIC like process.hrtime) keeps only
 * the samples taken while the load ran, leaving out the start-up a --cpu-prof profile begins with.
 */
export function summarize(file: string, root: string, top = 15, window?: [number, number]): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  const parts = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url ? `${fileOf(url, root)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${short ? ` ${short}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + ms);
    const area = url ? areaOf(url, root) : functionName.startsWith('(') ? functionName : '(native / V8)';
    areas.set(area, (areas.get(area) ?? 0) + ms);
    parts.set(partOf(area), (parts.get(partOf(area)) ?? 0) + ms);
    total += ms;
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, functions: rank(fns), areas: rank(areas), parts: rank(parts) };
}

export function markdown(title: string, s: ProfileSummary): string {
  const cut = (name: string) => (name.length > 110 ? `${name.slice(0, 110)}…` : name);
  const rows = (list: Hot[]) =>
    list
      .map((h) => `| ${cut(h.name).replace(/\|/g, '\\|')} | ${h.ms.toFixed(0)} | ${(100 * h.share).toFixed(1)} % |`)
      .join('\n');
  return `#### ${title} (${(s.totalMs / 1000).toFixed(1)} s sampled)\n\n| self time by part | ms | share |\n| --- | --- | --- |\n${rows(s.parts)}\n\n| self time by area | ms | share |\n| --- | --- | --- |\n${rows(s.areas)}\n\n| self time by function | ms | share |\n| --- | --- | --- |\n${rows(s.functions)}\n`;
}
