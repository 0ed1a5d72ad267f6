/**
 * npm run teams:icons — draws the Teams icons (run when they change; the PNGs are committed):
 * color.png 192×192 on the accent colour, outline.png 32×32 white on transparent, as Teams
 * requires. A speech bubble with a check mark.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));

/** Inside the bubble (rounded rectangle plus a tail) or the check mark, in unit coordinates. */
function shape(u: number, v: number): 'bubble' | 'check' | null {
  const inRect = (x0: number, y0: number, x1: number, y1: number, r: number) => {
    const cx = Math.min(Math.max(u, x0 + r), x1 - r);
    const cy = Math.min(Math.max(v, y0 + r), y1 - r);
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r && u >= x0 && u <= x1 && v >= y0 && v <= y1;
  };
  const distToSegment = (ax: number, ay: number, bx: number, by: number) => {
    const t = Math.max(
      0,
      Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
    );
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay)));
  };
  const check = Math.min(distToSegment(0.32, 0.44, 0.45, 0.57), distToSegment(0.45, 0.57, 0.7, 0.32)) < 0.06;
  const tail = v >= 0.68 && v <= 0.86 && u >= 0.28 && u <= 0.28 + (0.86 - v) * 0.9;
  if (check && inRect(0.14, 0.16, 0.86, 0.72, 0.12)) return 'check';
  if (inRect(0.14, 0.16, 0.86, 0.72, 0.12) || tail) return 'bubble';
  return null;
}

const accent: [number, number, number] = [0x1f, 0x4e, 0x8c];
writeFileSync(
  `${dir}color.png`,
  encodePng(192, 192, (x, y) => {
    const s = shape((x + 0.5) / 192, (y + 0.5) / 192);
    if (s === 'bubble') return [255, 255, 255, 255];
    return [...accent, 255];
  }),
);
writeFileSync(
  `${dir}outline.png`,
  encodePng(32, 32, (x, y) => {
    const s = shape((x + 0.5) / 32, (y + 0.5) / 32);
    return s === 'bubble' ? [255, 255, 255, 255] : [255, 255, 255, 0];
  }),
);
console.log('teams/color.png (192×192) and teams/outline.png (32×32) written');
