import sharp from 'sharp';

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG whose valid IHDR (correct CRC) claims width×height, followed by a tiny IDAT: a decompression bomb's header. */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A three-frame animated GIF (frames of different greens). */
export async function animatedGif(width = 64, height = 48): Promise<Buffer> {
  const frame = (green: number) => sharp({ create: { width, height, channels: 3, background: { r: 10, g: green, b: 10 } } }).png().toBuffer();
  return sharp(await Promise.all([frame(250), frame(120), frame(0)]), { join: { animated: true } }).gif().toBuffer();
}

/** A real JPEG carrying `totalBytes` of EXIF in APP1 segments (each at most 64 KiB, as the format allows). */
export async function jpegWithHugeExif(totalBytes: number, width = 64, height = 48): Promise<Buffer> {
  const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toBuffer();
  const size = 65_000;
  const segment = Buffer.alloc(4 + size);
  segment.set([0xff, 0xe1], 0);
  segment.writeUInt16BE(size + 2, 2);
  segment.write('Exif\0\0', 4, 'latin1');
  const count = Math.ceil(totalBytes / size);
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: count }, () => segment), jpeg.subarray(2)]);
}
