/** Far more than any camera writes (EXIF with a thumbnail, an ICC profile and XMP stay well under 256 KiB). */
export const MAX_IMAGE_METADATA_BYTES = 1024 * 1024;

const JPEG_SOS = 0xda;
const JPEG_EOI = 0xd9;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_METADATA_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'iCCP']);
const WEBP_METADATA_CHUNKS = new Set(['EXIF', 'XMP ', 'ICCP']);

/**
 * Bytes of metadata (EXIF, XMP, ICC, comments, text chunks) in a JPEG, PNG or WebP, counted from
 * the container's own segment lengths before any decoder sees the image: the walk touches a few
 * bytes per segment, while a decoder would copy every block into memory. Other formats, and
 * structures too broken to walk, give 0 and are left to the decoder to judge.
 */
export function imageMetadataBytes(image: Buffer): number {
  if (image.length >= 4 && image[0] === 0xff && image[1] === 0xd8) return jpegMetadataBytes(image);
  if (image.length >= 8 && image.subarray(0, 8).equals(PNG_SIGNATURE)) return pngMetadataBytes(image);
  if (image.length >= 12 && image.toString('latin1', 0, 4) === 'RIFF' && image.toString('latin1', 8, 12) === 'WEBP') return webpMetadataBytes(image);
  return 0;
}

function jpegMetadataBytes(image: Buffer): number {
  let total = 0;
  let position = 2;
  while (position + 4 <= image.length) {
    if (image[position] !== 0xff) return total;
    const marker = image[position + 1];
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    if (marker === JPEG_SOS || marker === JPEG_EOI) return total;
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2;
      continue;
    }
    const length = image.readUInt16BE(position + 2);
    if (length < 2) return total;
    // APP0..APP15 (EXIF, XMP, ICC, Photoshop...) and COM.
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) total += length - 2;
    position += 2 + length;
  }
  return total;
}

function pngMetadataBytes(image: Buffer): number {
  let total = 0;
  let position = 8;
  while (position + 8 <= image.length) {
    const length = image.readUInt32BE(position);
    const type = image.toString('latin1', position + 4, position + 8);
    if (type === 'IDAT' || type === 'IEND') return total;
    if (PNG_METADATA_CHUNKS.has(type)) total += length;
    position += 12 + length;
  }
  return total;
}

function webpMetadataBytes(image: Buffer): number {
  let total = 0;
  let position = 12;
  while (position + 8 <= image.length) {
    const type = image.toString('latin1', position, position + 4);
    const length = image.readUInt32LE(position + 4);
    if (WEBP_METADATA_CHUNKS.has(type)) total += length;
    position += 8 + length + (length % 2);
  }
  return total;
}
