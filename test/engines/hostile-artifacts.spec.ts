/**
 * Bad model files must produce a structured validation error and leave the process running.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engines/sdk/index.js';
import { createEngine as createOnnxEngine } from '../../engines/onnxruntime/index.js';
import { createEngine as createTensorflowEngine } from '../../engines/tensorflow/index.js';
import { buildOnnxAdd, buildOnnxWithUnknownOp, writeTfjsGraphModel, writeTfjsLayersModel } from '../fixtures/models/index.js';
import { silentLogger } from './engine-test-helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('onnxruntime with hostile files', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createOnnxEngine({ config: {}, logger: silentLogger });
  });

  const validate = (path: string) => engine.validate({ format: 'onnx', path });

  it('random bytes → MODEL_UNREADABLE', async () => {
    const path = join(dir, 'random.onnx');
    writeFileSync(path, randomBytes(4096));
    expect(await validate(path)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE', message: expect.any(String) } });
  });

  it('a truncated model → MODEL_UNREADABLE', async () => {
    const good = buildOnnxAdd(join(dir, 'good.onnx'));
    const bytes = readFileSync(good.path);
    const path = join(dir, 'truncated.onnx');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await validate(path)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('an empty file → MODEL_UNREADABLE without starting a runtime', async () => {
    const path = join(dir, 'empty.onnx');
    writeFileSync(path, '');
    expect(await validate(path)).toEqual({ ok: false, error: { code: 'MODEL_UNREADABLE', message: 'the model file is empty' }, warnings: [] });
  });

  it('a missing file or a directory → MODEL_UNREADABLE', async () => {
    expect(await validate(join(dir, 'nope.onnx'))).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
    expect(await validate(dir)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('an operator the runtime lacks → UNSUPPORTED_OPERATOR naming it', async () => {
    const model = buildOnnxWithUnknownOp(join(dir, 'unknown-op.onnx'));
    const result = await validate(model.path);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_OPERATOR' } });
    if (!result.ok) expect(result.error.message).toContain('FrobnicateTensor');
  });

  it('load() of a bad file rejects with a coded EngineError', async () => {
    const path = join(dir, 'random2.onnx');
    writeFileSync(path, randomBytes(100));
    await expect(engine.load({ format: 'onnx', path }, {})).rejects.toMatchObject({ code: 'MODEL_UNREADABLE' });
  });
});

describe('tensorflow with hostile model directories', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createTensorflowEngine({ config: {}, logger: silentLogger });
  });

  const validate = (path: string, format = 'tfjs') => engine.validate({ format, path });
  const makeDir = (name: string) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };

  it('an empty directory → MODEL_UNREADABLE (no model.json)', async () => {
    expect(await validate(makeDir('empty-dir'))).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE', message: expect.stringContaining('model.json') } });
  });

  it('random bytes as model.json → MODEL_UNREADABLE', async () => {
    const path = makeDir('random-json');
    writeFileSync(join(path, 'model.json'), randomBytes(512));
    expect(await validate(path)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('an empty model.json → MODEL_UNREADABLE', async () => {
    const path = makeDir('empty-json');
    writeFileSync(join(path, 'model.json'), '');
    expect(await validate(path)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('a truncated weight shard → structured error', async () => {
    const model = await writeTfjsLayersModel(join(dir, 'truncated-weights'), { shards: 1 });
    const shard = join(model.dir, 'group1-shard1of1.bin');
    writeFileSync(shard, readFileSync(shard).subarray(0, 10));
    const result = await validate(model.dir);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['MODEL_UNREADABLE', 'DUMMY_RUN_FAILED']).toContain(result.error.code);
  });

  it('a weight path escaping the model directory → MODEL_UNREADABLE', async () => {
    const model = writeTfjsGraphModel(join(dir, 'escape'));
    const json = JSON.parse(readFileSync(join(model.dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../../../../etc/passwd'];
    writeFileSync(join(model.dir, 'model.json'), JSON.stringify(json));
    expect(await validate(model.dir)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE', message: expect.stringContaining('escapes') } });
  });

  it('a graph op TF.js does not implement → structured error naming it', async () => {
    const model = writeTfjsGraphModel(join(dir, 'unknown-op'));
    const json = JSON.parse(readFileSync(join(model.dir, 'model.json'), 'utf8'));
    json.modelTopology.node.find((node: { name: string }) => node.name === 'y').op = 'FrobnicateTensor';
    writeFileSync(join(model.dir, 'model.json'), JSON.stringify(json));
    const result = await validate(model.dir);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(['UNSUPPORTED_OPERATOR', 'DUMMY_RUN_FAILED']).toContain(result.error.code);
      expect(result.error.message).toContain('FrobnicateTensor');
    }
  });

  it('a file instead of a directory, and a missing path → MODEL_UNREADABLE', async () => {
    const file = join(dir, 'not-a-dir.json');
    writeFileSync(file, '{}');
    expect(await validate(file)).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
    expect(await validate(join(dir, 'missing'))).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('a SavedModel on the wasm backend → UNSUPPORTED_FORMAT with the reason', async () => {
    const probe = await engine.probe();
    if (probe.backend !== 'wasm') return;
    const result = await validate(makeDir('saved-model'), 'savedmodel');
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    if (!result.ok) expect(result.error.message).toMatch(/tfjs-node/);
  });
});
