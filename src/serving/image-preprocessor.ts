import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { Tensor } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import type { ResolvedPreprocess } from '../models/model-config.js';
import { imageMetadataBytes, MAX_IMAGE_METADATA_BYTES } from './image-metadata-budget.js';

/** Maps original-image pixels to model-input pixels: model = original * scale + offset, per axis. */
export interface ImageTransform {
  originalWidth: number;
  originalHeight: number;
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

export interface PreprocessedImage {
  tensor: Tensor;
  transform: ImageTransform;
}

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff']);

function invalidImage(message: string, details?: unknown): ApiError {
  return ApiError.badRequest('INVALID_IMAGE', message, details);
}

/** Where the resized image sits in the model input, for each resize mode. */
export function planResize(width: number, height: number, pre: Pick<ResolvedPreprocess, 'width' | 'height' | 'resize'>): ImageTransform & { resizedWidth: number; resizedHeight: number } {
  const base = { originalWidth: width, originalHeight: height };
  if (pre.resize === 'stretch') {
    return { ...base, scaleX: pre.width / width, scaleY: pre.height / height, offsetX: 0, offsetY: 0, resizedWidth: pre.width, resizedHeight: pre.height };
  }
  const scale = pre.resize === 'letterbox' ? Math.min(pre.width / width, pre.height / height) : Math.max(pre.width / width, pre.height / height);
  const resizedWidth = Math.max(1, Math.round(width * scale));
  const resizedHeight = Math.max(1, Math.round(height * scale));
  // Letterbox pads (positive offset); crop cuts (negative offset). Both centre the image.
  const offsetX = Math.floor((pre.width - resizedWidth) / 2);
  const offsetY = Math.floor((pre.height - resizedHeight) / 2);
  return { ...base, scaleX: resizedWidth / width, scaleY: resizedHeight / height, offsetX, offsetY, resizedWidth, resizedHeight };
}

/**
 * Decodes an image and turns it into the model's input tensor (one row). sharp does the decoding
 * and resizing on libuv's thread pool; only the final channel shuffle runs in JS.
 * Throws ApiError INVALID_IMAGE for anything that is not a decodable, reasonably sized image.
 */
export async function preprocessImage(buffer: Buffer, pre: ResolvedPreprocess, maxPixels: number, outputChannels: 1 | 3 = 3): Promise<PreprocessedImage> {
  if (buffer.length === 0) throw invalidImage('The image is empty');
  // Before sharp: reading a header hands every EXIF/XMP/ICC block to JS, and many hostile
  // megabytes of them per request keep the process's memory high long after.
  const metadataBytes = imageMetadataBytes(buffer);
  if (metadataBytes > MAX_IMAGE_METADATA_BYTES) {
    throw invalidImage(`The image carries ${metadataBytes} bytes of metadata (EXIF, XMP, ICC, comments); the limit is ${MAX_IMAGE_METADATA_BYTES}`, { metadataBytes, maxMetadataBytes: MAX_IMAGE_METADATA_BYTES });
  }
  const options = { limitInputPixels: maxPixels, pages: 1, failOn: 'error' as const };
  let metadata: Metadata;
  try {
    // Header only: the pixel limit is checked below with a clear message instead of a decode error.
    // The decode pipeline cannot replace this read: its output info has no original size (needed
    // for box mapping) and no format (SVG and other formats must be refused before rendering).
    // It costs ~0.1 ms, about 2% of a decode of a typical photo.
    metadata = await sharp(buffer, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw invalidImage('The image could not be read: not a JPEG, PNG, WebP, GIF or TIFF file');
  }
  if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format)) {
    throw invalidImage(`Unsupported image format "${metadata.format ?? 'unknown'}"; use JPEG, PNG, WebP, GIF or TIFF`);
  }
  const frameHeight = metadata.pageHeight ?? metadata.height ?? 0;
  const width = metadata.width ?? 0;
  if (width <= 0 || frameHeight <= 0) throw invalidImage('The image has no pixels');
  // Checked from the header alone, before any pixel is decoded (decompression bombs).
  if (width * frameHeight > maxPixels) {
    throw invalidImage(`The image is ${width}×${frameHeight} pixels; the limit is ${maxPixels} pixels`, { width, height: frameHeight, maxPixels });
  }
  const swapsSides = (metadata.orientation ?? 1) >= 5;
  const orientedWidth = swapsSides ? frameHeight : width;
  const orientedHeight = swapsSides ? width : frameHeight;
  const plan = planResize(orientedWidth, orientedHeight, pre);

  let pipeline = sharp(buffer, options)
    .rotate()
    .removeAlpha()
    .toColourspace(outputChannels === 1 ? 'b-w' : 'srgb')
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill' });
  if (pre.resize === 'letterbox') {
    const right = pre.width - plan.resizedWidth - plan.offsetX;
    const bottom = pre.height - plan.resizedHeight - plan.offsetY;
    if (plan.offsetX || plan.offsetY || right || bottom) {
      pipeline = pipeline.extend({ top: plan.offsetY, bottom, left: plan.offsetX, right, background: { r: pre.padValue, g: pre.padValue, b: pre.padValue } });
    }
  } else if (pre.resize === 'crop') {
    pipeline = pipeline.extract({ left: -plan.offsetX, top: -plan.offsetY, width: pre.width, height: pre.height });
  }

  let pixels: { data: Buffer; info: OutputInfo };
  try {
    pixels = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch {
    throw invalidImage('The image could not be decoded (corrupt or truncated)');
  }
  if (pixels.info.width !== pre.width || pixels.info.height !== pre.height) {
    throw invalidImage('The image could not be resized to the model input');
  }
  const { resizedWidth: _w, resizedHeight: _h, ...transform } = plan;
  return { tensor: pixelsToTensor(pixels.data, pixels.info.channels, pre, outputChannels), transform };
}

/**
 * Interleaved 8-bit pixels → the model's layout, channel order and dtype (3 colour channels or 1 grey).
 * This runs on the event loop for every image (≈150 k elements at 224², 1.2 M at 640²), so each
 * output channel is one strided pass through a small monomorphic function, and float outputs read a
 * 256-entry table of `v * scale / std - mean / std` per channel instead of computing it per element:
 * the same float32 values bit for bit (the table holds the same expression rounded the same way).
 * A third of the time in a micro-benchmark, no measurable change inside the server, where the fresh
 * output array's page faults dominate (docs/performance.md): the real remedy is doing this off-thread.
 */
export function pixelsToTensor(pixels: Uint8Array, channels: number, pre: ResolvedPreprocess, outputChannels: 1 | 3 = 3): Tensor {
  const plane = pre.width * pre.height;
  const out = outputChannels;
  const planar = pre.layout === 'NCHW';
  const shape = planar ? [1, out, pre.height, pre.width] : [1, pre.height, pre.width, out];
  // Planar: channel c fills its own plane; interleaved: channel c sits every `out` values.
  const targetStride = planar ? 1 : out;
  const sourceChannel = (channel: number) => (channels < 3 || out === 1 ? 0 : pre.colorOrder === 'BGR' ? 2 - channel : channel);
  const targetStart = (channel: number) => (planar ? channel * plane : channel);
  if (pre.dtype === 'uint8') {
    const data = new Uint8Array(plane * out);
    for (let channel = 0; channel < out; channel++) copyChannel(pixels, sourceChannel(channel), channels, data, targetStart(channel), targetStride, plane);
    return { dtype: 'uint8', shape, data };
  }
  const data = new Float32Array(plane * out);
  const table = new Float32Array(256);
  for (let channel = 0; channel < out; channel++) {
    const multiplier = pre.scale / pre.std[channel];
    const shift = pre.mean[channel] / pre.std[channel];
    for (let value = 0; value < 256; value++) table[value] = value * multiplier - shift;
    mapChannel(pixels, sourceChannel(channel), channels, table, data, targetStart(channel), targetStride, plane);
  }
  return { dtype: 'float32', shape, data };
}

function copyChannel(pixels: Uint8Array, source: number, sourceStride: number, data: Uint8Array, target: number, targetStride: number, count: number): void {
  for (let index = 0; index < count; index++, source += sourceStride, target += targetStride) data[target] = pixels[source];
}

function mapChannel(pixels: Uint8Array, source: number, sourceStride: number, table: Float32Array, data: Float32Array, target: number, targetStride: number, count: number): void {
  for (let index = 0; index < count; index++, source += sourceStride, target += targetStride) data[target] = table[pixels[source]];
}
