import { PNG } from 'pngjs';

/** The Teams icons, read and drawn with pngjs: every colour type, bit depth, row filter and interlacing. */

export interface DecodedPng {
  width: number;
  height: number;
  /** An alpha channel or a transparent colour (tRNS): the image can be transparent. */
  transparent: boolean;
  /** 8-bit RGBA, row after row, whatever the file's own format. */
  pixels: Buffer;
}

/** Decodes a PNG as image editors save it (rows filtered Sub, Up, Average or Paeth; palettes; 16 bits). */
export function readPng(png: Buffer): DecodedPng {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, transparent: image.alpha, pixels: image.data };
}

/** Encodes RGBA pixels ((x, y) → [r, g, b, a]) as an 8-bit RGBA PNG. */
export function encodePng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set(pixel(x, y), (y * width + x) * 4);
  return PNG.sync.write(image);
}
