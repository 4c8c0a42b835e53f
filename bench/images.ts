import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export interface BenchImage {
  name: string;
  contentType: 'image/png' | 'image/jpeg';
  data: Buffer;
}

/**
 * Photos of realistic sizes made from the CC0 fixture photos (451×300 and 600×400): each
 * upscaled (Lanczos) to about 0.4 MP as JPEG (quality 90) and to about 1.9 MP as PNG, so both
 * decoders see the sizes cameras and phones send. `small` keeps the original thumbnails (smoke runs).
 */
export async function loadBenchImages(root: string, sizes: 'realistic' | 'small' = 'realistic'): Promise<BenchImage[]> {
  const directory = join(root, 'test', 'fixtures', 'images');
  const pngs = readdirSync(directory).filter((file) => file.endsWith('.png')).sort();
  if (pngs.length === 0) throw new Error(`no PNG images in ${directory}`);
  const images: BenchImage[] = [];
  for (const file of pngs) {
    const data = readFileSync(join(directory, file));
    const base = file.replace(/\.png$/, '');
    if (sizes === 'small') {
      images.push({ name: file, contentType: 'image/png', data });
      images.push({ name: `${base}.jpg`, contentType: 'image/jpeg', data: await sharp(data).jpeg({ quality: 90 }).toBuffer() });
      continue;
    }
    const { width = 1, height = 1 } = await sharp(data).metadata();
    const scaled = (megapixels: number) => sharp(data).resize(Math.round(width * Math.sqrt((megapixels * 1e6) / (width * height))), undefined, { kernel: 'lanczos3' });
    images.push({ name: `${base}-0.4mp.jpg`, contentType: 'image/jpeg', data: await scaled(0.4).jpeg({ quality: 90 }).toBuffer() });
    images.push({ name: `${base}-1.9mp.png`, contentType: 'image/png', data: await scaled(1.9).png().toBuffer() });
  }
  return images;
}

/** A ready-to-send multipart body with one `image` part (what a client of either server sends). */
export function multipartBody(image: BenchImage, boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${image.name}"\r\nContent-Type: ${image.contentType}\r\n\r\n`),
    image.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
