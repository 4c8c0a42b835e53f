import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export interface BenchImage {
  name: string;
  contentType: 'image/png' | 'image/jpeg';
  data: Buffer;
}

/** The fixture photos as PNG, plus JPEG (quality 90) versions of each, so both decoders are exercised. */
export async function loadBenchImages(root: string): Promise<BenchImage[]> {
  const directory = join(root, 'test', 'fixtures', 'images');
  const pngs = readdirSync(directory).filter((file) => file.endsWith('.png')).sort();
  if (pngs.length === 0) throw new Error(`no PNG images in ${directory}`);
  const images: BenchImage[] = [];
  for (const file of pngs) {
    const data = readFileSync(join(directory, file));
    images.push({ name: file, contentType: 'image/png', data });
    images.push({ name: file.replace(/\.png$/, '.jpg'), contentType: 'image/jpeg', data: await sharp(data).jpeg({ quality: 90 }).toBuffer() });
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
