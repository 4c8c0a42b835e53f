import type { Tensor } from '../../engines/sdk/index.js';
import type { DetectionFormat, ResolvedPostprocess } from '../models/model-config.js';
import type { ImageTransform } from './image-preprocessor.js';
import { toFloat32 } from './tensor-codec.js';

export interface ClassPrediction {
  index: number;
  label: string;
  score: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Detection extends ClassPrediction {
  box: Box;
}

/** Options a request may override. */
export interface PostprocessOverrides {
  topK?: number;
  scoreThreshold?: number;
  iouThreshold?: number;
}

export function softmax(scores: Float32Array): Float32Array {
  let max = -Infinity;
  for (const score of scores) if (score > max) max = score;
  const out = new Float32Array(scores.length);
  let sum = 0;
  for (let index = 0; index < scores.length; index++) sum += out[index] = Math.exp(scores[index] - max);
  for (let index = 0; index < out.length; index++) out[index] /= sum;
  return out;
}

/** 'auto' applies softmax when the scores do not already look like probabilities. */
export function needsSoftmax(scores: Float32Array, mode: boolean | 'auto'): boolean {
  if (mode !== 'auto') return mode;
  let sum = 0;
  for (const score of scores) {
    if (score < 0 || score > 1) return true;
    sum += score;
  }
  return Math.abs(sum - 1) > 0.01;
}

const labelOf = (labels: string[], index: number) => labels[index] ?? String(index);

/** Top-K classes of one row's scores (any shape whose element count is the class count). */
export function classify(output: Tensor, post: ResolvedPostprocess, overrides: PostprocessOverrides = {}): ClassPrediction[] {
  const raw = toFloat32(output);
  const scores = needsSoftmax(raw, post.softmax) ? softmax(raw) : raw;
  const topK = Math.min(overrides.topK ?? post.topK, scores.length);
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, topK).map((index) => ({ index, label: labelOf(post.labels, index), score: scores[index] }));
}

/** A candidate box in model-input pixels (corners). */
export interface Candidate {
  classId: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Decodes one row of detector output into candidates over the score threshold.
 * YOLOv5: [1, boxes, 5 + classes] with objectness; YOLOv8: [1, 4 + classes, boxes] without;
 * xyxy: [1, boxes, 6] rows of corners, score and class id, as detectors with built-in decoding give.
 */
export function decodeYolo(output: Tensor, format: DetectionFormat, scoreThreshold: number): Candidate[] {
  const values = toFloat32(output);
  const dims = output.shape.length === 3 ? output.shape.slice(1) : output.shape;
  if (dims.length !== 2) throw new Error(`expected a [1, a, b] detection output, got [${output.shape.join(', ')}]`);
  const candidates: Candidate[] = [];
  const push = (cx: number, cy: number, w: number, h: number, classId: number, score: number) => {
    if (score >= scoreThreshold && score > 0) candidates.push({ classId, score, x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 });
  };
  if (format === 'xyxy') {
    const [boxes, stride] = dims;
    if (stride !== 6) throw new Error('an xyxy output needs 6 values per box: x1, y1, x2, y2, score, class');
    for (let box = 0; box < boxes; box++) {
      const [x1, y1, x2, y2, score, classId] = values.subarray(box * 6, box * 6 + 6);
      if (!Number.isInteger(classId) || classId < 0) continue;
      push((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, classId, score);
    }
  } else if (format === 'yolov5') {
    const [boxes, stride] = dims;
    const classes = stride - 5;
    if (classes < 1) throw new Error('a YOLOv5 output needs at least 6 values per box');
    for (let box = 0; box < boxes; box++) {
      const base = box * stride;
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[base + 5 + c] > values[base + 5 + best]) best = c;
      push(values[base], values[base + 1], values[base + 2], values[base + 3], best, values[base + 4] * values[base + 5 + best]);
    }
  } else {
    const [rows, boxes] = dims;
    const classes = rows - 4;
    if (classes < 1) throw new Error('a YOLOv8 output needs at least 5 rows');
    const at = (row: number, box: number) => values[row * boxes + box];
    for (let box = 0; box < boxes; box++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (at(4 + c, box) > at(4 + best, box)) best = c;
      push(at(0, box), at(1, box), at(2, box), at(3, box), best, at(4 + best, box));
    }
  }
  return candidates;
}

export function iou(a: Candidate, b: Candidate): number {
  const width = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const height = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** Greedy class-wise non-maximum suppression; returns kept candidates by descending score. */
export function nonMaxSuppression(candidates: Candidate[], iouThreshold: number, maxDetections: number): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.every((other) => other.classId !== candidate.classId || iou(other, candidate) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}

/** Model-input corners → a box in the original image's pixels, clamped to the image. */
export function mapBoxToOriginal(candidate: Candidate, transform: ImageTransform): Box {
  const clampX = (value: number) => Math.min(transform.originalWidth, Math.max(0, value));
  const clampY = (value: number) => Math.min(transform.originalHeight, Math.max(0, value));
  const x1 = clampX((candidate.x1 - transform.offsetX) / transform.scaleX);
  const y1 = clampY((candidate.y1 - transform.offsetY) / transform.scaleY);
  const x2 = clampX((candidate.x2 - transform.offsetX) / transform.scaleX);
  const y2 = clampY((candidate.y2 - transform.offsetY) / transform.scaleY);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

export function detect(output: Tensor, post: ResolvedPostprocess, transform: ImageTransform, overrides: PostprocessOverrides = {}): Detection[] {
  const candidates = decodeYolo(output, post.format, overrides.scoreThreshold ?? post.scoreThreshold);
  const kept = nonMaxSuppression(candidates, overrides.iouThreshold ?? post.iouThreshold, post.maxDetections);
  const detections: Detection[] = [];
  for (const candidate of kept) {
    const box = mapBoxToOriginal(candidate, transform);
    if (box.width <= 0 || box.height <= 0) continue;
    detections.push({ index: candidate.classId, label: labelOf(post.labels, candidate.classId), score: candidate.score, box });
  }
  return detections;
}
