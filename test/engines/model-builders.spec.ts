/**
 * The shared model builders, checked once here so other areas can rely on them: the detector's
 * raw output layout, and zipDirectory's archive layout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxDetector, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'builders-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const detections = [
  { cx: 100, cy: 120, w: 50, h: 40, classId: 2, score: 0.9 },
  { cx: 300, cy: 310, w: 80, h: 60, classId: 0, score: 0.6, objectness: 0.5 },
];

async function runDetector(path: string, size: number): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(path);
  try {
    const output = await session.run({ images: new ort.Tensor('float32', new Float32Array(3 * size * size).fill(0.3), [1, 3, size, size]) });
    return output.output0;
  } finally {
    await session.release();
  }
}

describe('buildOnnxDetector', () => {
  it('writes YOLOv5 rows [cx, cy, w, h, objectness, class scores...]', async () => {
    const info = buildOnnxDetector(join(dir, 'v5.onnx'), { format: 'yolov5', detections, classes: 3, size: 64, emptyBoxes: 1 });
    expect(info.outputShape).toEqual([1, 3, 8]);
    const output = await runDetector(info.path, 64);
    expect(output.dims).toEqual([1, 3, 8]);
    const rows = Array.from({ length: 3 }, (_, row) => Array.from((output.data as Float32Array).slice(row * 8, row * 8 + 8)));
    expect(rows[0]).toEqual([100, 120, 50, 40, 1, 0, 0, Math.fround(0.9)]);
    expect(rows[1]).toEqual([300, 310, 80, 60, 0.5, Math.fround(0.6), 0, 0]);
    expect(rows[2]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('writes YOLOv8 columns [cx, cy, w, h, class scores...] x boxes', async () => {
    const info = buildOnnxDetector(join(dir, 'v8.onnx'), { format: 'yolov8', detections, classes: 3, size: 64 });
    const output = await runDetector(info.path, 64);
    expect(output.dims).toEqual([1, 7, 2]);
    const data = output.data as Float32Array;
    const column = (box: number) => Array.from({ length: 7 }, (_, row) => data[row * 2 + box]);
    expect(column(0)).toEqual([100, 120, 50, 40, 0, 0, Math.fround(0.9)]);
    expect(column(1)).toEqual([300, 310, 80, 60, Math.fround(0.6), 0, 0]);
  });

  it('rejects a class id outside the class count', () => {
    expect(() => buildOnnxDetector(join(dir, 'bad.onnx'), { format: 'yolov8', detections: [{ ...detections[0], classId: 3 }], classes: 3 })).toThrow(/classId 3/);
  });
});

describe('zipDirectory', () => {
  it('zips a TF.js model directory with model.json at the archive root', async () => {
    const model = await writeTfjsLayersModel(join(dir, 'layers'), { shards: 2 });
    const zipPath = await zipDirectory(model.dir, join(dir, 'layers.zip'));
    const names = await new Promise<string[]>((resolve, reject) => {
      yauzl.open(zipPath, { lazyEntries: false }, (error, zip) => {
        if (error || !zip) return reject(error);
        const entries: string[] = [];
        zip.on('entry', (entry: yauzl.Entry) => entries.push(entry.fileName));
        zip.on('end', () => resolve(entries.sort()));
        zip.on('error', reject);
      });
    });
    expect(names).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
  });
});
