import sharp from 'sharp';

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * Decode, stretch-resize to size×size RGB, and write a normalized CHW float image into `target`
 * at `offset` — the same steps the platform's classification preprocessing performs.
 */
export async function decodeToChw(image: Buffer, size: number, norm: Normalization, target: Float32Array, offset: number): Promise<void> {
  const pixels = await sharp(image).rotate().removeAlpha().toColourspace('srgb').resize(size, size, { fit: 'fill' }).raw().toBuffer();
  const plane = size * size;
  const scale = [1 / (255 * norm.std[0]), 1 / (255 * norm.std[1]), 1 / (255 * norm.std[2])];
  const shift = [norm.mean[0] / norm.std[0], norm.mean[1] / norm.std[1], norm.mean[2] / norm.std[2]];
  for (let pixel = 0, source = 0; pixel < plane; pixel += 1, source += 3) {
    target[offset + pixel] = pixels[source] * scale[0] - shift[0];
    target[offset + plane + pixel] = pixels[source + 1] * scale[1] - shift[1];
    target[offset + 2 * plane + pixel] = pixels[source + 2] * scale[2] - shift[2];
  }
}

/** Top-k (index, probability) pairs after a softmax over one row of logits. */
export function topK(logits: Float32Array, offset: number, classes: number, k: number): Array<{ index: number; score: number }> {
  let max = -Infinity;
  for (let index = 0; index < classes; index += 1) max = Math.max(max, logits[offset + index]);
  let sum = 0;
  const probabilities = new Float64Array(classes);
  for (let index = 0; index < classes; index += 1) {
    probabilities[index] = Math.exp(logits[offset + index] - max);
    sum += probabilities[index];
  }
  const order = Array.from({ length: classes }, (_, index) => index).sort((a, b) => probabilities[b] - probabilities[a]);
  return order.slice(0, k).map((index) => ({ index, score: probabilities[index] / sum }));
}
