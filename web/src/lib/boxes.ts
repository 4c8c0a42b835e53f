/** A detection as the API returns it: the box in the ORIGINAL image's pixels. */
export interface Detection {
  index: number;
  label: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface DrawnBox {
  key: string;
  label: string;
  score: number;
  /** Rectangle in the original image's pixel space (the overlay's viewBox). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the caption goes: above the box, or inside it when the box touches the top edge. */
  captionY: number;
  color: string;
}

const PALETTE = ['#d7263d', '#1b998b', '#2e86ab', '#f46036', '#6a4c93', '#c5283d', '#3d5a80', '#8a5a00'];

/**
 * Boxes to draw over an image of `imageWidth` × `imageHeight` natural pixels. The overlay uses
 * the natural size as its viewBox, so boxes keep the API's original-image coordinates whatever
 * size the image is shown at; only detections at or above `threshold` are kept.
 */
export function boxesToDraw(detections: Detection[], threshold: number, imageWidth: number, imageHeight: number, captionHeight: number): DrawnBox[] {
  return detections
    .filter((detection) => detection.score >= threshold)
    .map((detection, order) => {
      const x = clamp(detection.box.x, 0, imageWidth);
      const y = clamp(detection.box.y, 0, imageHeight);
      const width = clamp(detection.box.x + detection.box.width, 0, imageWidth) - x;
      const height = clamp(detection.box.y + detection.box.height, 0, imageHeight) - y;
      return {
        key: `${order}-${detection.index}`,
        label: detection.label,
        score: detection.score,
        x,
        y,
        width,
        height,
        captionY: y >= captionHeight ? y - captionHeight : y,
        color: PALETTE[detection.index % PALETTE.length],
      };
    })
    .filter((box) => box.width > 0 && box.height > 0);
}

/** Scale factor from natural pixels to displayed pixels (for a caption of constant on-screen size). */
export function displayScale(naturalWidth: number, displayedWidth: number): number {
  return naturalWidth > 0 && displayedWidth > 0 ? naturalWidth / displayedWidth : 1;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
