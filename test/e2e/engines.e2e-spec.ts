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
    // Unavailable without a built addon and a GPU, which says why; a GPU host with the addon lists its devices.
    expect(byName.tensorrt).toMatchObject({ formats: ['tensorrt-plan', 'onnx'] });
    if (byName.tensorrt.available) expect(byName.tensorrt).toMatchObject({ devices: expect.arrayContaining(['cuda:0']), backend: expect.stringMatching(/^tensorrt-\d+\./) });
    else expect(byName.tensorrt.reason).toMatch(/TensorRT addon not built|TensorRT\/CUDA libraries not found|no CUDA device/);
    expect(byName.echo).toMatchObject({ available: false, reason: 'disabled by configuration' });
    expect(byName['future-api'].available).toBe(false);
    expect(byName['broken-probe']).toMatchObject({ available: false, reason: 'probe failed: native library libfoo.so not found' });
  });
});
