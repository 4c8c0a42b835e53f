/**
 * One contract suite, run against every engine that is available on this host. Models are built
 * in the test; outputs are checked exactly where the model's math is known.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, ExecuteResult, LoadedModel, ModelArtifact, NamedTensors, Tensor } from '../../engines/sdk/index.js';
import { createEngine as createOnnxEngine } from '../../engines/onnxruntime/index.js';
import { createEngine as createTensorflowEngine } from '../../engines/tensorflow/index.js';
import { createEngine as createTensorRtEngine } from '../../engines/tensorrt/index.js';
import { buildOnnxAdd, buildOnnxClassifier, expectedAddOutput, writeTfjsGraphModel, writeTfjsLayersModel } from '../fixtures/models/index.js';
import { silentLogger } from './engine-test-helpers.js';

/** A model whose exact output for a row of `width` floats is known. */
interface ExactModel {
  artifact: ModelArtifact;
  inputName: string;
  outputName: string;
  width: number;
  expected(row: Float32Array): Float32Array;
}

/** An image classifier with dynamic height/width and a softmax output. */
interface ImageModel {
  artifact: ModelArtifact;
  inputName: string;
  outputName: string;
  classes: number;
  /** Input shape for one image of the given size. */
  shapeFor(size: number): number[];
}

interface EngineCase {
  name: string;
  create(): Engine | Promise<Engine>;
  /** The models the engine runs (the real-model cases run only where the engine probes available). */
  buildModels?(dir: string): Promise<{ exact: ExactModel; image: ImageModel }>;
}

/** The suite's ONNX models: an exact add and a dynamic-size classifier. */
async function buildOnnxModels(dir: string): Promise<{ exact: ExactModel; image: ImageModel }> {
  const add = buildOnnxAdd(join(dir, 'add.onnx'));
  const classifier = buildOnnxClassifier(join(dir, 'classifier.onnx'), { dynamicSize: true, classes: 5, seed: 3 });
  return {
    exact: { artifact: { format: 'onnx', path: add.path }, inputName: 'x', outputName: 'y', width: 4, expected: expectedAddOutput },
    image: { artifact: { format: 'onnx', path: classifier.path }, inputName: 'input', outputName: 'probabilities', classes: 5, shapeFor: (size) => [1, 3, size, size] },
  };
}

const CASES: EngineCase[] = [
  {
    name: 'onnxruntime',
    create: () => createOnnxEngine({ config: {}, logger: silentLogger }),
    buildModels: buildOnnxModels,
  },
  {
    name: 'tensorflow',
    create: () => createTensorflowEngine({ config: {}, logger: silentLogger }),
    async buildModels(dir) {
      const graph = writeTfjsGraphModel(join(dir, 'graph'));
      const layers = await writeTfjsLayersModel(join(dir, 'layers'), { dynamicSize: true, classes: 5, shards: 3 });
      return {
        exact: { artifact: { format: 'tfjs', path: graph.dir }, inputName: 'x', outputName: 'y', width: 4, expected: graph.expected },
        image: { artifact: { format: 'tfjs', path: layers.dir }, inputName: 'image', outputName: 'probabilities', classes: 5, shapeFor: (size) => [1, size, size, 3] },
      };
    },
  },
  {
    // The suite's ONNX models, built into TensorRT plans on this host (FP32, so outputs stay exact).
    name: 'tensorrt',
    create: () => createTensorRtEngine({ config: { builder: { fp16: false, maxBatchSize: 8, dynamicMin: 8, dynamicOpt: 32, dynamicMax: 64 } }, logger: silentLogger }),
    buildModels: buildOnnxModels,
  },
];

function rowsTensor(rows: number[][]): Tensor {
  return { dtype: 'float32', shape: [rows.length, rows[0].length], data: Float32Array.from(rows.flat()) };
}

function randomImage(shape: number[], seed: number): Tensor {
  const length = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length }, (_, index) => Math.sin(index * 0.37 + seed) * 0.5 + 0.5);
  return { dtype: 'float32', shape, data };
}

function outputsOf(result: ExecuteResult): NamedTensors {
  if (!result.ok) throw new Error(`request failed: ${result.error.code} ${result.error.message}`);
  return result.outputs;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index += 1) expect(Math.abs(actual[index] - expected[index])).toBeLessThanOrEqual(tolerance);
}

for (const engineCase of CASES) {
  describe(`engine contract: ${engineCase.name}`, async () => {
    const engine = await engineCase.create();
    const probe = await engine.probe();

    it('identifies itself and reports a probe result', () => {
      expect(engine.name).toBe(engineCase.name);
      expect(engine.apiVersion).toBe('1.1');
      expect(engine.formats.length).toBeGreaterThan(0);
      if (!probe.available) expect(probe.reason).toBeTruthy();
    });

    describe.skipIf(!probe.available || !engineCase.buildModels)('on a real model', () => {
      let dir: string;
      let exact: ExactModel;
      let image: ImageModel;
      let model: LoadedModel;

      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), `contract-${engineCase.name}-`));
        ({ exact, image } = await engineCase.buildModels!(dir));
        model = await engine.load(exact.artifact, { maxBatchSize: 8, intraOpThreads: 1, interOpThreads: 1 });
      });
      afterAll(async () => {
        await model?.dispose();
        rmSync(dir, { recursive: true, force: true });
      });

      it('validates a good model and reports its signature', async () => {
        const result = await engine.validate(exact.artifact);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.signature.inputs).toHaveLength(1);
        expect(result.signature.inputs[0]).toMatchObject({ name: exact.inputName, dtype: 'float32' });
        expect(result.signature.inputs[0].shape).toHaveLength(2);
        expect(result.signature.inputs[0].shape[1]).toBe(exact.width);
        expect(result.signature.outputs[0].name).toBe(exact.outputName);
      });

      it('exposes the signature and a batch limit on the loaded model', () => {
        expect(model.signature.inputs[0].name).toBe(exact.inputName);
        expect(model.maxBatchSize).toBe(8);
      });

      it('executes a batch of one with exact outputs', async () => {
        const row = [0.5, -1, 2, 3.25];
        const [result] = await model.execute([{ [exact.inputName]: rowsTensor([row]) }]);
        const output = outputsOf(result)[exact.outputName];
        expect(output.shape[0]).toBe(1);
        expectClose(output.data as Float32Array, exact.expected(Float32Array.from(row)));
      });

      it('executes a batch of N requests (with multi-row requests) and splits outputs back in order', async () => {
        const requests = [[[1, 2, 3, 4]], [[-1, -2, -3, -4], [0, 0, 0, 0]], [[9, 8, 7, 6]], [[0.1, 0.2, 0.3, 0.4]]];
        const results = await model.execute(requests.map((rows) => ({ [exact.inputName]: rowsTensor(rows) })));
        expect(results).toHaveLength(4);
        results.forEach((result, index) => {
          const output = outputsOf(result)[exact.outputName];
          expect(output.shape[0]).toBe(requests[index].length);
          expectClose(output.data as Float32Array, Float32Array.from(requests[index].flatMap((row) => [...exact.expected(Float32Array.from(row))])));
        });
      });

      it('fails only the malformed requests inside a batch', async () => {
        const good = { [exact.inputName]: rowsTensor([[1, 1, 1, 1]]) };
        const results = await model.execute([
          good,
          { [exact.inputName]: rowsTensor([[1, 2, 3]]) }, // wrong width
          { [exact.inputName]: { dtype: 'int32', shape: [1, 4], data: Int32Array.from([1, 2, 3, 4]) } }, // wrong dtype
          {}, // missing input
          { [exact.inputName]: { dtype: 'float32', shape: [1, 4], data: new Float32Array(3) } }, // data length mismatch
          { [exact.inputName]: { dtype: 'float32', shape: [4], data: new Float32Array(4) } }, // wrong rank
          { [exact.inputName]: rowsTensor([[1, 1, 1, 1]]), extra: rowsTensor([[1]]) }, // unknown input
          good,
        ]);
        expect(results.map((result) => result.ok)).toEqual([true, false, false, false, false, false, false, true]);
        for (const result of results.slice(1, 7)) expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
        expectClose(outputsOf(results[7])[exact.outputName].data as Float32Array, exact.expected(Float32Array.from([1, 1, 1, 1])));
      });

      it('refuses a request larger than the batch limit without failing the others', async () => {
        const big = Array.from({ length: 9 }, () => [1, 2, 3, 4]);
        const results = await model.execute([{ [exact.inputName]: rowsTensor(big) }, { [exact.inputName]: rowsTensor([[1, 2, 3, 4]]) }]);
        expect(results[0]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
        expect(results[1].ok).toBe(true);
      });

      it('runs dynamic spatial dimensions, grouping requests of different sizes', async () => {
        const imageModel = await engine.load(image.artifact, { maxBatchSize: 4, intraOpThreads: 1, interOpThreads: 1 });
        try {
          const dims = imageModel.signature.inputs[0].shape;
          expect(dims.filter((dim) => dim === -1 || typeof dim === 'string').length).toBeGreaterThanOrEqual(3);
          const small = [randomImage(image.shapeFor(16), 1), randomImage(image.shapeFor(16), 2)];
          const large = randomImage(image.shapeFor(40), 3);
          const batched = await imageModel.execute([{ [image.inputName]: small[0] }, { [image.inputName]: large }, { [image.inputName]: small[1] }]);
          const alone = await imageModel.execute([{ [image.inputName]: small[1] }]);
          for (const result of batched) {
            const probabilities = outputsOf(result)[image.outputName];
            expect(probabilities.shape).toEqual([1, image.classes]);
            const sum = Array.from(probabilities.data as Float32Array).reduce((a, b) => a + b, 0);
            expect(sum).toBeCloseTo(1, 4);
          }
          // Batching must not change a request's answer.
          expectClose(outputsOf(batched[2])[image.outputName].data as Float32Array, outputsOf(alone[0])[image.outputName].data as Float32Array, 1e-5);
          // Different images give different answers (the model really ran).
          expect(Array.from(outputsOf(batched[0])[image.outputName].data as Float32Array)).not.toEqual(Array.from(outputsOf(batched[1])[image.outputName].data as Float32Array));
        } finally {
          await imageModel.dispose();
        }
      });

      it('answers every request with MODEL_DISPOSED after dispose, and dispose is idempotent', async () => {
        const disposable = await engine.load(exact.artifact, { maxBatchSize: 2 });
        await disposable.dispose();
        await disposable.dispose();
        const results = await disposable.execute([{ [exact.inputName]: rowsTensor([[1, 2, 3, 4]]) }]);
        expect(results).toEqual([{ ok: false, error: { code: 'MODEL_DISPOSED', message: expect.any(String) } }]);
      });
    });
  });
}
