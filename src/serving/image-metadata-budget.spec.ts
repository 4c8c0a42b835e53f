import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageMetadataBytes } from './image-metadata-budget.js';

const pixel = { create: { width: 8, height: 8, channels: 3 as const, background: { r: 1, g: 2, b: 3 } } };

/** A real JPEG with `segments` APP1 blocks of `size` bytes inserted after SOI. */
async function jpegWithApp1(segments: number, size: number): Promise<Buffer> {
  const jpeg = await sharp(pixel).jpeg().toBuffer();
  const segment = Buffer.alloc(4 + size);
  segment.set([0xff, 0xe1], 0);
  segment.writeUInt16BE(size + 2, 2);
  segment.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: segments }, () => segment), jpeg.subarray(2)]);
}

describe('imageMetadataBytes', () => {
  it('counts APPn segments of a JPEG, without decoding it', async () => {
    const plain = await sharp(pixel).jpeg().toBuffer();
    const baseline = imageMetadataBytes(plain);
    expect(baseline).toBeLessThan(64);
    expect(imageMetadataBytes(await jpegWithApp1(200, 65_000))).toBe(baseline + 200 * 65_000);
  });

  it('counts EXIF and ICC written by an encoder (PNG, WebP, JPEG)', async () => {
    const exif = { IFD0: { ImageDescription: 'x'.repeat(50_000) } };
    for (const encode of [(s: Sharp) => s.png(), (s: Sharp) => s.webp(), (s: Sharp) => s.jpeg()]) {
      const image = await encode(sharp(pixel).withExif(exif)).toBuffer();
      expect(imageMetadataBytes(image)).toBeGreaterThan(50_000);
    }
  });

  it('gives 0 for other formats and for structures it cannot walk', async () => {
    expect(imageMetadataBytes(await sharp(pixel).gif().toBuffer())).toBe(0);
    expect(imageMetadataBytes(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0x00]))).toBe(0);
    expect(imageMetadataBytes(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x00]))).toBe(0);
    expect(imageMetadataBytes(Buffer.alloc(0))).toBe(0);
  });
});
