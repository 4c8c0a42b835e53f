import { describe, expect, it } from 'vitest';
import type { ResolvedPostprocess } from '../models/model-config.js';
import { classify, decodeYolo, detect, iou, mapBoxToOriginal, needsSoftmax, nonMaxSuppression, softmax } from './postprocess.js';
import { planResize } from './image-preprocessor.js';

const post = (overrides: Partial<ResolvedPostprocess> = {}): ResolvedPostprocess => ({
  labels: [],
  topK: 5,
  softmax: 'auto',
  format: 'yolov8',
  scoreThreshold: 0.25,
  iouThreshold: 0.45,
  maxDetections: 300,
  ...overrides,
});
const row = (values: number[]) => ({ dtype: 'float32' as const, shape: [1, values.length], data: Float32Array.from(values) });

describe('classification', () => {
  it('softmax sums to one and keeps order', () => {
    const out = softmax(Float32Array.of(1, 2, 3));
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 6);
  });

  it("'auto' applies softmax to logits but not to probabilities", () => {
    expect(needsSoftmax(Float32Array.of(0.1, 0.7, 0.2), 'auto')).toBe(false);
    expect(needsSoftmax(Float32Array.of(-1, 2, 0.5), 'auto')).toBe(true);
    expect(needsSoftmax(Float32Array.of(0.5, 0.9, 0.9), 'auto')).toBe(true);
    expect(needsSoftmax(Float32Array.of(0.1, 0.7, 0.2), true)).toBe(true);
    expect(needsSoftmax(Float32Array.of(-1, 2, 0.5), false)).toBe(false);
  });

  it('returns topK sorted predictions with labels, index as label when missing', () => {
    const predictions = classify(row([0.1, 0.6, 0.05, 0.25]), post({ labels: ['a', 'b', 'c'], topK: 3 }));
    expect(predictions.map((p) => [p.index, p.label])).toEqual([
      [1, 'b'],
      [3, '3'],
      [0, 'a'],
    ]);
    expect(predictions[0].score).toBeCloseTo(0.6, 6);
    expect(classify(row([0.1, 0.6, 0.05, 0.25]), post(), { topK: 1 })).toHaveLength(1);
    expect(classify(row([0.5, 0.5]), post({ topK: 10 }))).toHaveLength(2);
  });

  it('softmaxes logits when configured', () => {
    const [top] = classify(row([2, 0]), post({ softmax: true }));
    expect(top.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });
});

describe('YOLO decode, NMS and box mapping', () => {
  it('decodes YOLOv5 [1, boxes, 5+classes] with objectness', () => {
    // box 0: class 1 score 0.8 * obj 0.5 = 0.4; box 1 below threshold
    const data = Float32Array.from([100, 50, 20, 10, 0.5, 0.1, 0.8, 100, 100, 10, 10, 0.1, 0.9, 0.1]);
    const candidates = decodeYolo({ dtype: 'float32', shape: [1, 2, 7], data }, 'yolov5', 0.25);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ classId: 1, x1: 90, y1: 45, x2: 110, y2: 55 });
    expect(candidates[0].score).toBeCloseTo(0.4, 6);
  });

  it('decodes YOLOv8 [1, 4+classes, boxes] (column per box)', () => {
    // 2 boxes, 2 classes: rows cx, cy, w, h, c0, c1
    const data = Float32Array.from([10, 200, 20, 200, 4, 40, 4, 40, 0.9, 0.1, 0.05, 0.3]);
    const candidates = decodeYolo({ dtype: 'float32', shape: [1, 6, 2], data }, 'yolov8', 0.25);
    expect(candidates).toEqual([
      { classId: 0, score: expect.closeTo(0.9, 6), x1: 8, y1: 18, x2: 12, y2: 22 },
      { classId: 1, score: expect.closeTo(0.3, 6), x1: 180, y1: 180, x2: 220, y2: 220 },
    ]);
  });

  it('reads xyxy rows [x1, y1, x2, y2, score, class] of a detector that decodes itself', () => {
    // box 0: class 15 at 0.5; box 1 below threshold; box 2 a padding row with a NaN class
    const data = Float32Array.from([10, 20, 110, 220, 0.5, 15, 0, 0, 5, 5, 0.1, 2, 0, 0, 1, 1, 0.9, Number.NaN]);
    const candidates = decodeYolo({ dtype: 'float32', shape: [1, 3, 6], data }, 'xyxy', 0.25);
    expect(candidates).toEqual([{ classId: 15, score: 0.5, x1: 10, y1: 20, x2: 110, y2: 220 }]);
    expect(() => decodeYolo({ dtype: 'float32', shape: [1, 2, 7], data: new Float32Array(14) }, 'xyxy', 0.25)).toThrow(/6 values per box/);
  });

  it('IoU of identical, disjoint and half-overlapping boxes', () => {
    const box = { classId: 0, score: 1, x1: 0, y1: 0, x2: 10, y2: 10 };
    expect(iou(box, box)).toBe(1);
    expect(iou(box, { ...box, x1: 20, x2: 30 })).toBe(0);
    expect(iou(box, { ...box, x1: 5, x2: 15 })).toBeCloseTo(50 / 150, 6);
  });

  it('NMS suppresses overlaps within a class only, keeps the best, caps the count', () => {
    const a = { classId: 0, score: 0.9, x1: 0, y1: 0, x2: 10, y2: 10 };
    const b = { classId: 0, score: 0.8, x1: 1, y1: 1, x2: 11, y2: 11 };
    const c = { classId: 1, score: 0.7, x1: 1, y1: 1, x2: 11, y2: 11 };
    const d = { classId: 0, score: 0.6, x1: 50, y1: 50, x2: 60, y2: 60 };
    expect(nonMaxSuppression([d, b, c, a], 0.45, 10)).toEqual([a, c, d]);
    expect(nonMaxSuppression([d, b, c, a], 0.45, 2)).toEqual([a, c]);
    expect(nonMaxSuppression([a, b], 0.9, 10)).toEqual([a, b]);
  });

  it('maps letterboxed boxes back to original pixels and clamps them', () => {
    // 600x400 into 640x640: scale 640/600, resized 640x427, pad top floor(213/2) = 106
    const plan = planResize(600, 400, { width: 640, height: 640, resize: 'letterbox' });
    expect(plan).toMatchObject({ resizedWidth: 640, resizedHeight: 427, offsetX: 0, offsetY: 106 });
    const s = plan.scaleX;
    const box = mapBoxToOriginal({ classId: 0, score: 1, x1: 100 * s, y1: 106 + 50 * s, x2: 300 * s, y2: 106 + 250 * s }, plan);
    expect(box.x).toBeCloseTo(100, 0);
    expect(box.y).toBeCloseTo(50 * (s / plan.scaleY), 0);
    expect(box.width).toBeCloseTo(200, 0);
    const clamped = mapBoxToOriginal({ classId: 0, score: 1, x1: -50, y1: 0, x2: 700, y2: 640 }, plan);
    expect(clamped).toEqual({ x: 0, y: 0, width: 600, height: 400 });
  });

  it('maps stretched and centre-cropped boxes', () => {
    const stretch = planResize(200, 100, { width: 100, height: 100, resize: 'stretch' });
    expect(mapBoxToOriginal({ classId: 0, score: 1, x1: 10, y1: 10, x2: 20, y2: 20 }, stretch)).toEqual({ x: 20, y: 10, width: 20, height: 10 });
    // 200x100 cover into 100x100: scale 1, resized 200x100, crop 50 px from the left
    const crop = planResize(200, 100, { width: 100, height: 100, resize: 'crop' });
    expect(crop).toMatchObject({ scaleX: 1, scaleY: 1, offsetX: -50, offsetY: 0 });
    expect(mapBoxToOriginal({ classId: 0, score: 1, x1: 0, y1: 0, x2: 10, y2: 10 }, crop)).toEqual({ x: 50, y: 0, width: 10, height: 10 });
  });

  it('detect() applies threshold overrides and labels', () => {
    const data = Float32Array.from([320, 320, 64, 64, 0.3]);
    const output = { dtype: 'float32' as const, shape: [1, 5, 1], data };
    const transform = planResize(640, 640, { width: 640, height: 640, resize: 'letterbox' });
    expect(detect(output, post({ labels: ['thing'] }), transform)).toEqual([
      { index: 0, label: 'thing', score: expect.closeTo(0.3, 6), box: { x: 288, y: 288, width: 64, height: 64 } },
    ]);
    expect(detect(output, post(), transform, { scoreThreshold: 0.5 })).toEqual([]);
  });
});
