import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config.js';
import { ApiError } from '../common/api-error.js';
import { EngineRegistry } from './engine-registry.js';

const fixtureEngines = resolve(import.meta.dirname, '../../test/fixtures/engines');

async function bootRegistry(env: Record<string, string>): Promise<EngineRegistry> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'registry-spec-secret', ...env });
  const registry = new EngineRegistry(config);
  await registry.onModuleInit();
  return registry;
}

describe('EngineRegistry', () => {
  let registry: EngineRegistry;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registry-spec-'));
    registry = await bootRegistry({ ENGINE_DIRS: fixtureEngines, DISABLED_ENGINES: 'tensorrt' });
  });
  afterAll(async () => {
    await registry.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the built-in engines from the engines/ folder', () => {
    const names = registry.list().map((status) => status.name);
    expect(names).toEqual(expect.arrayContaining(['onnxruntime', 'tensorflow', 'tensorrt']));
    const onnx = registry.list().find((status) => status.name === 'onnxruntime');
    expect(onnx).toMatchObject({ available: true, backend: 'cpu', devices: ['cpu'], formats: ['onnx'] });
    expect(registry.engineForFormat('onnx')?.name).toBe('onnxruntime');
    expect(registry.engineForFormat('tfjs')?.name).toBe('tensorflow');
  });

  it('discovers a fixture engine from ENGINE_DIRS and runs it through validate/load/execute', async () => {
    expect(registry.list().find((status) => status.name === 'echo')).toMatchObject({ available: true, version: '0.0.1', formats: ['echo'] });
    const engine = registry.require('echo');
    expect(registry.engineForFormat('echo')).toBe(engine);
    const path = join(dir, 'model.echo');
    writeFileSync(path, JSON.stringify({ width: 2 }));
    const validation = await engine.validate({ format: 'echo', path });
    expect(validation).toMatchObject({ ok: true, signature: { inputs: [{ name: 'x', shape: ['batch', 2] }] } });
    const model = await engine.load({ format: 'echo', path }, { maxBatchSize: 4 });
    const results = await model.execute([
      { x: { dtype: 'float32', shape: [1, 2], data: Float32Array.from([1, 2]) } },
      { x: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([1, 2, 3]) } },
      { x: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([3, 4, 5, 6]) } },
    ]);
    expect(results[0]).toEqual({ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 2], data: Float32Array.from([1, 2]) } } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(results[2]).toEqual({ ok: true, outputs: { y: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([3, 4, 5, 6]) } } });
    await model.dispose();
  });

  it('refuses an engine written for another API major version', () => {
    const status = registry.list().find((entry) => entry.name === 'future-api');
    expect(status).toMatchObject({ available: false });
    expect(status?.reason).toMatch(/incompatible engine API.*major version 2 does not match host 1/);
    expect(registry.get('future-api')).toBeUndefined();
  });

  it('lists an engine whose probe throws as unavailable with the reason', () => {
    const status = registry.list().find((entry) => entry.name === 'broken-probe');
    expect(status).toMatchObject({ available: false, reason: 'probe failed: native library libfoo.so not found' });
  });

  it('lists a disabled engine as unavailable and refuses it with 409 ENGINE_UNAVAILABLE', () => {
    expect(registry.list().find((entry) => entry.name === 'tensorrt')).toMatchObject({ available: false, reason: 'disabled by configuration' });
    let thrown: unknown;
    try {
      registry.require('tensorrt');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).getStatus()).toBe(409);
    expect((thrown as ApiError).code).toBe('ENGINE_UNAVAILABLE');
    expect((thrown as ApiError).message).toContain('disabled by configuration');
  });

  it('derives per-instance threads: configured value, or half the cores (at least 1)', async () => {
    expect(registry.threadsPerInstance().intraOp).toBeGreaterThanOrEqual(1);
    const pinned = await bootRegistry({ ORT_INTRA_OP_THREADS: '3', ORT_INTER_OP_THREADS: '2', DISABLED_ENGINES: 'onnxruntime,tensorflow,tensorrt' });
    expect(pinned.threadsPerInstance()).toEqual({ intraOp: 3, interOp: 2 });
  });
});
