import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ResolvedPreprocess } from '../models/model-config.js';
import { pixelsToTensor, preprocessImage } from './image-preprocessor.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'images');
const chelsea = readFileSync(join(fixtures, 'chelsea.png'));
const MAX_PIXELS = 40_000_000;

const pre = (overrides: Partial<ResolvedPreprocess> = {}): ResolvedPreprocess => ({
  input: 'input',
  width: 4,
  height: 4,
  layout: 'NCHW',
  resize: 'stretch',
  padValue: 0,
  colorOrder: 'RGB',
  dtype: 'float32',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  ...overrides,
});

/** A solid image whose left half is red and right half blue. */
async function halves(width: number, height: number): Promise<Buffer> {
  const red = await sharp({ create: { width: width / 2, height, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: red, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

describe('preprocessImage (real sharp)', () => {
  it('produces NCHW float32 from a real photo with the right shape and range', async () => {
    const { tensor, transform } = await preprocessImage(chelsea, pre({ width: 32, height: 24, scale: 1 / 255 }), MAX_PIXELS);
    expect(tensor.shape).toEqual([1, 3, 24, 32]);
    expect(tensor.dtype).toBe('float32');
    const data = tensor.data as Float32Array;
    expect(data.length).toBe(3 * 24 * 32);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    expect(transform).toMatchObject({ originalWidth: 451, originalHeight: 300 });
  });

  it('lays out NCHW vs NHWC, RGB vs BGR and uint8 exactly', async () => {
    const image = await halves(4, 2);
    const nchw = await preprocessImage(image, pre({ width: 4, height: 2, dtype: 'uint8' }), MAX_PIXELS);
    expect(Array.from(nchw.tensor.data as Uint8Array)).toEqual([
      ...[255, 255, 0, 0, 255, 255, 0, 0], // R plane
      ...[0, 0, 0, 0, 0, 0, 0, 0], // G plane
      ...[0, 0, 255, 255, 0, 0, 255, 255], // B plane
    ]);
    const nhwcBgr = await preprocessImage(image, pre({ width: 4, height: 2, dtype: 'uint8', layout: 'NHWC', colorOrder: 'BGR' }), MAX_PIXELS);
    expect(nhwcBgr.tensor.shape).toEqual([1, 2, 4, 3]);
    expect(Array.from((nhwcBgr.tensor.data as Uint8Array).slice(0, 12))).toEqual([0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 0, 0]);
  });

  it('applies (x * scale - mean) / std per channel', async () => {
    const image = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 255, g: 128, b: 0 } } }).png().toBuffer();
    const { tensor } = await preprocessImage(image, pre({ width: 2, height: 2, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] }), MAX_PIXELS);
    const data = tensor.data as Float32Array;
    expect(data[0]).toBeCloseTo(1, 5);
    expect(data[4]).toBeCloseTo((128 / 255 - 0.5) / 0.25, 5);
    expect(data[8]).toBeCloseTo(-1, 5);
  });

  it('honours EXIF orientation before resizing', async () => {
    // Stored as 4x2 red|blue; orientation 6 means "rotate 90° clockwise to display": 2x4, red on top.
    const rotated = await sharp(await halves(4, 2)).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
    const { tensor, transform } = await preprocessImage(rotated, pre({ width: 2, height: 4, dtype: 'uint8' }), MAX_PIXELS);
    expect(transform).toMatchObject({ originalWidth: 2, originalHeight: 4 });
    const red = Array.from((tensor.data as Uint8Array).slice(0, 8));
    expect(red.slice(0, 4).every((value) => value > 200)).toBe(true);
    expect(red.slice(4, 8).every((value) => value < 60)).toBe(true);
  });

  it('greyscale and alpha images become three colour channels', async () => {
    const grey = await sharp(Buffer.alloc(9, 90), { raw: { width: 3, height: 3, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const greyTensor = await preprocessImage(grey, pre({ width: 3, height: 3, dtype: 'uint8' }), MAX_PIXELS);
    expect(new Set(greyTensor.tensor.data as Uint8Array)).toEqual(new Set([90]));
    const rgba = await sharp({ create: { width: 3, height: 3, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const rgbaTensor = await preprocessImage(rgba, pre({ width: 3, height: 3, dtype: 'uint8' }), MAX_PIXELS);
    expect((rgbaTensor.tensor.data as Uint8Array).length).toBe(27);
  });

  it('produces one grey channel for single-channel models', async () => {
    const image = await halves(4, 2);
    const { tensor } = await preprocessImage(image, pre({ width: 4, height: 2, dtype: 'uint8' }), MAX_PIXELS, 1);
    expect(tensor.shape).toEqual([1, 1, 2, 4]);
    const data = Array.from(tensor.data as Uint8Array);
    // Red is brighter than blue in luma.
    expect(data[0]).toBeGreaterThan(data[3]);
    expect(data[0]).toBe(data[4]);
  });

  it('letterboxes with the pad colour and records the offsets', async () => {
    const wide = await sharp({ create: { width: 8, height: 4, channels: 3, background: { r: 200, g: 200, b: 200 } } }).png().toBuffer();
    const { tensor, transform } = await preprocessImage(wide, pre({ width: 8, height: 8, resize: 'letterbox', padValue: 114, dtype: 'uint8' }), MAX_PIXELS);
    expect(transform).toMatchObject({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 2 });
    const red = Array.from((tensor.data as Uint8Array).slice(0, 64));
    expect(red.slice(0, 16).every((value) => value === 114)).toBe(true);
    expect(red.slice(16, 48).every((value) => value === 200)).toBe(true);
    expect(red.slice(48, 64).every((value) => value === 114)).toBe(true);
  });

  it('centre-crops with negative offsets', async () => {
    const wide = await halves(8, 4);
    const { tensor, transform } = await preprocessImage(wide, pre({ width: 4, height: 4, resize: 'crop', dtype: 'uint8' }), MAX_PIXELS);
    expect(transform).toMatchObject({ offsetX: -2, offsetY: 0, scaleX: 1 });
    expect(Array.from((tensor.data as Uint8Array).slice(0, 4))).toEqual([255, 255, 0, 0]);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frame = (green: number) => sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 0, g: green, b: 0 } } }).png().toBuffer();
    const gif = await sharp(await Promise.all([frame(250), frame(120), frame(0)]), { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif, { pages: -1 }).metadata()).pages).toBe(3);
    const { tensor, transform } = await preprocessImage(gif, pre({ dtype: 'uint8' }), MAX_PIXELS);
    expect(transform).toMatchObject({ originalWidth: 4, originalHeight: 4 });
    const green = Array.from((tensor.data as Uint8Array).slice(16, 32));
    expect(green.every((value) => value > 200)).toBe(true);
  });

  it('rejects empty, non-image, truncated and oversized inputs with INVALID_IMAGE', async () => {
    await expect(preprocessImage(Buffer.alloc(0), pre(), MAX_PIXELS)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(preprocessImage(Buffer.from('not an image at all'), pre(), MAX_PIXELS)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(preprocessImage(chelsea.subarray(0, 2000), pre(), MAX_PIXELS)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(preprocessImage(chelsea, pre(), 1000)).rejects.toMatchObject({ code: 'INVALID_IMAGE', details: { width: 451, height: 300 } });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>');
    await expect(preprocessImage(svg, pre(), MAX_PIXELS)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
  });
});

describe('pixelsToTensor', () => {
  /** The definition, element by element: what the optimised loop must reproduce bit for bit. */
  function reference(pixels: Uint8Array, channels: number, p: ResolvedPreprocess, out: 1 | 3): number[] {
    const values: number[] = new Array(p.width * p.height * out);
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) {
        const pixel = y * p.width + x;
        for (let c = 0; c < out; c++) {
          const from = channels < 3 || out === 1 ? 0 : p.colorOrder === 'BGR' ? 2 - c : c;
          const raw = pixels[pixel * channels + from];
          const at = p.layout === 'NCHW' ? c * p.width * p.height + pixel : pixel * out + c;
          values[at] = p.dtype === 'uint8' ? raw : Math.fround(raw * (p.scale / p.std[c]) - p.mean[c] / p.std[c]);
        }
      }
    }
    return values;
  }

  it('matches the element-wise definition for every layout, order, dtype and channel count', () => {
    const shape = { width: 5, height: 3 };
    for (const channels of [1, 3, 4]) {
      const pixels = Uint8Array.from({ length: shape.width * shape.height * channels }, (_, index) => (index * 37 + 11) % 256);
      for (const layout of ['NCHW', 'NHWC'] as const) {
        for (const colorOrder of ['RGB', 'BGR'] as const) {
          for (const dtype of ['float32', 'uint8'] as const) {
            for (const out of [1, 3] as const) {
              const p = pre({ ...shape, layout, colorOrder, dtype, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
              const tensor = pixelsToTensor(pixels, channels, p, out);
              const label = `${channels}ch ${layout} ${colorOrder} ${dtype} out=${out}`;
              expect(tensor.shape, label).toEqual(layout === 'NCHW' ? [1, out, 3, 5] : [1, 3, 5, out]);
              expect(tensor.dtype, label).toBe(dtype);
              expect(Array.from(tensor.data as ArrayLike<number>), label).toEqual(reference(pixels, channels, p, out));
            }
          }
        }
      }
    }
  });

  it('maps every byte value 0…255 exactly (the float path reads a per-channel table)', () => {
    const shape = { width: 16, height: 16 };
    const pixels = Uint8Array.from({ length: 256 * 3 }, (_, index) => (index % 3 === 0 ? Math.floor(index / 3) : (index * 101) % 256));
    for (const std of [[0.229, 0.224, 0.225], [1, 1, 1]] as [number, number, number][]) {
      const p = pre({ ...shape, layout: 'NCHW', colorOrder: 'RGB', dtype: 'float32', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std });
      expect(Array.from(pixelsToTensor(pixels, 3, p, 3).data as Float32Array)).toEqual(reference(pixels, 3, p, 3));
    }
  });
});
