/**
 * A raw output that can be shown as a heat map: a single channel over two spatial dimensions,
 * i.e. exactly two dimensions larger than 1 (e.g. [1, 1, 64, 64] or [1, 64, 64]).
 */
export function heatmapShape(shape: number[]): { height: number; width: number } | null {
  const dims = shape.filter((dim) => dim !== 1);
  if (dims.length !== 2 || dims[0] < 2 || dims[1] < 2) return null;
  return { height: dims[0], width: dims[1] };
}

/** Values scaled to 0–255 grey levels (min → 0, max → 255). */
export function toGrey(values: number[]): Uint8ClampedArray {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const span = max - min || 1;
  return Uint8ClampedArray.from(values, (value) => Math.round(((value - min) / span) * 255));
}
