import { describe, expect, it } from 'vitest';
import { boxesToDraw, displayScale, type Detection } from './boxes';

const detection = (score: number, box: Detection['box'], index = 15, label = 'cat'): Detection => ({ index, label, score, box });

describe('boxes drawn over the photo', () => {
  it('keeps the original-image coordinates the API gives (the overlay viewBox is the natural size)', () => {
    const [box] = boxesToDraw([detection(0.9, { x: 10, y: 40, width: 200, height: 100 })], 0.5, 451, 300, 20);
    expect(box).toMatchObject({ x: 10, y: 40, width: 200, height: 100, label: 'cat', score: 0.9, captionY: 20 });
  });

  it('filters by the threshold, inclusive, as the slider moves', () => {
    const detections = [detection(0.9, { x: 0, y: 0, width: 5, height: 5 }), detection(0.5, { x: 0, y: 0, width: 5, height: 5 }), detection(0.49, { x: 0, y: 0, width: 5, height: 5 })];
    expect(boxesToDraw(detections, 0.5, 100, 100, 10).map((box) => box.score)).toEqual([0.9, 0.5]);
    expect(boxesToDraw(detections, 0.95, 100, 100, 10)).toEqual([]);
    expect(boxesToDraw(detections, 0, 100, 100, 10)).toHaveLength(3);
  });

  it('clips boxes to the image and drops those entirely outside it', () => {
    const boxes = boxesToDraw([detection(0.8, { x: -10, y: 250, width: 100, height: 100 }), detection(0.7, { x: 500, y: 10, width: 20, height: 20 })], 0.1, 451, 300, 20);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]).toMatchObject({ x: 0, y: 250, width: 90, height: 50 });
  });

  it('puts the caption inside the box when the box touches the top edge', () => {
    const [box] = boxesToDraw([detection(0.8, { x: 5, y: 3, width: 50, height: 50 })], 0.1, 100, 100, 12);
    expect(box.captionY).toBe(3);
  });

  it('gives each class a stable colour', () => {
    const [a, b, c] = boxesToDraw([detection(0.9, { x: 0, y: 0, width: 5, height: 5 }, 1), detection(0.8, { x: 0, y: 0, width: 5, height: 5 }, 2), detection(0.7, { x: 9, y: 9, width: 5, height: 5 }, 1)], 0, 100, 100, 1);
    expect(a.color).toBe(c.color);
    expect(a.color).not.toBe(b.color);
  });

  it('scale between natural and displayed pixels', () => {
    expect(displayScale(1000, 500)).toBe(2);
    expect(displayScale(0, 500)).toBe(1);
  });
});
