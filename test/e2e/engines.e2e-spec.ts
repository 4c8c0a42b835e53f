import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { TEST_ADMIN, request, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('GET /api/v1/internal/system/engines', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({ ENGINE_DIRS: resolve(import.meta.dirname, '../fixtures/engines'), DISABLED_ENGINES: 'echo' });
    token = await loginAs(app.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => app?.close());

  it('requires an X-Auth-Token', async () => {
    const res = await request(`${app.url}/api/v1/internal/system/engines`);
    expect(res.status).toBe(401);
  });

  it('lists every discovered engine with availability, reason, backend, devices and formats', async () => {
    const res = await request(`${app.url}/api/v1/internal/system/engines`, { headers: { 'X-Auth-Token': token } });
    expect(res.status).toBe(200);
    const byName = Object.fromEntries((res.body.items as { name: string; available: boolean; reason: string | null }[]).map((item) => [item.name, item]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['onnxruntime', 'tensorflow', 'tensorrt', 'echo', 'future-api', 'broken-probe']));
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(['available', 'backend', 'devices', 'formats', 'name', 'reason', 'version']);
    }
    expect(byName.onnxruntime).toMatchObject({ available: true, backend: 'cpu', devices: ['cpu'], formats: ['onnx'] });
    expect(byName.onnxruntime.reason).toMatch(/CUDA/);
    expect(byName.tensorflow).toMatchObject({ available: true, backend: 'wasm', formats: ['tfjs', 'savedmodel'] });
    expect(byName.tensorflow.reason).toMatch(/tfjs-node-gpu not installed/);
    expect(byName.tensorrt).toMatchObject({ available: false, formats: ['tensorrt-plan'] });
    expect(byName.tensorrt.reason).toMatch(/TensorRT addon not built/);
    expect(byName.echo).toMatchObject({ available: false, reason: 'disabled by configuration' });
    expect(byName['future-api'].available).toBe(false);
    expect(byName['broken-probe']).toMatchObject({ available: false, reason: 'probe failed: native library libfoo.so not found' });
  });
});
