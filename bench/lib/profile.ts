/**
 * Reads a V8 .cpuprofile (node --cpu-prof) into the functions and the areas (project folder, npm
 * package, Node internals) that spent the most self time: the measured reason behind a missed target.
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface Hot { name: string; ms: number; share: number }
export interface ProfileSummary { totalMs: number; functions: Hot[]; areas: Hot[] }

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
  if (path.startsWith(root)) return path.slice(root.length).split('/').slice(0, 2).join('/');
  return path;
}

export function summarize(file: string, root: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url ? `${areaOf(url, root)}${url.includes('/node_modules/') || url.startsWith('node:') ? `/${url.split('/').pop()}` : ''}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${short ? ` ${short}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + ms);
    const area = url ? areaOf(url, root) : functionName.startsWith('(') ? functionName : '(native / V8)';
    areas.set(area, (areas.get(area) ?? 0) + ms);
    total += ms;
  }
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, functions: rank(fns), areas: rank(areas) };
}

export function markdown(title: string, s: ProfileSummary, busyOnly = false): string {
  const rows = (list: Hot[]) => list.map((h) => `| ${h.name.replace(/\|/g, '\\|')} | ${h.ms.toFixed(0)} | ${(100 * h.share).toFixed(1)} % |`).join('\n');
  return `#### ${title} (${(s.totalMs / 1000).toFixed(1)} s sampled${busyOnly ? '' : ''})\n\n| self time by area | ms | share |\n| --- | --- | --- |\n${rows(s.areas)}\n\n| self time by function | ms | share |\n| --- | --- | --- |\n${rows(s.functions)}\n`;
}
