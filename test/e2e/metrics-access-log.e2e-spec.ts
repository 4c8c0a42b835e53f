import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { makeDataDir, request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';

/** Keeps every structured line the app logs, so the access log can be inspected. */
class CapturingLogger implements LoggerService {
  readonly lines: Array<{ context?: string; message: unknown }> = [];
  log(message: unknown, context?: string) {
    this.lines.push({ message, context });
  }
  error(message: unknown, ...rest: unknown[]) {
    this.lines.push({ message, context: String(rest.at(-1)) });
  }
  warn(message: unknown, context?: string) {
    this.lines.push({ message, context });
  }
  debug() {}
  verbose() {}
}

describe('access log: one structured line per request, without secrets', () => {
  const logger = new CapturingLogger();
  const dataDir = makeDataDir();
  let app: NestFastifyApplication;
  let url: string;
  let jwt: string;
  let accessToken: string;
  let modelId: string;
  let tokenId: string;

  beforeAll(async () => {
    app = await createApp({
      env: { NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, ADMIN_USERNAME: TEST_ADMIN.username, ADMIN_PASSWORD: TEST_ADMIN.password },
      logger,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    jwt = await loginAs(url, TEST_ADMIN.username, TEST_ADMIN.password);
    const modelPath = join(dataDir, 'log-classifier.onnx');
    buildOnnxClassifier(modelPath, { size: 16, classes: 3 });
    const form = new FormData();
    form.append('name', 'access-log-classifier');
    form.append('config', JSON.stringify({ task: 'classification' }));
    form.append('file', new Blob([readFileSync(modelPath)]), 'classifier.onnx');
    const uploaded = await request(`${url}/api/v1/internal/models`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, body: form });
    modelId = uploaded.body.id;
    expect((await request(`${url}/api/v1/internal/models/${modelId}/deploy`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, json: {} })).status).toBeLessThan(300);
    const issued = await request(`${url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, json: { name: 'access-log', allowedModels: ['*'] } });
    accessToken = issued.body.token;
    tokenId = issued.body.id;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const accessLines = () => logger.lines.filter((line) => (line.message as { msg?: string })?.msg === 'request').map((line) => line.message as Record<string, unknown>);

  it('an inference request is logged with route pattern, status, duration, model and token id', async () => {
    const image = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', 'coffee.png'));
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'coffee.png');
    const res = await request(`${url}/api/v1/inference/${modelId}?secret=leak-me`, { method: 'POST', headers: { 'X-Access-Token': accessToken, 'X-Request-Id': 'log-check-1' }, body: form });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = accessLines().find((entry) => entry.requestId === 'log-check-1');
    expect(line).toMatchObject({ method: 'POST', route: '/api/v1/inference/:modelId', path: `/api/v1/inference/${modelId}`, status: 200, modelId, tokenId, durationMs: expect.any(Number) });
    expect(line?.userId).toBeUndefined();
  });

  it('an internal request is logged with the user id', async () => {
    await request(`${url}/api/v1/internal/system/info`, { headers: { 'X-Auth-Token': jwt, 'X-Request-Id': 'log-check-2' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = accessLines().find((entry) => entry.requestId === 'log-check-2');
    expect(line).toMatchObject({ route: '/api/v1/internal/system/info', status: 200, userId: expect.any(String) });
  });

  it('no logged line contains a secret: password, access token, JWT or query string', () => {
    const everything = JSON.stringify(logger.lines);
    expect(accessLines().length).toBeGreaterThan(4);
    for (const secret of [TEST_ADMIN.password, accessToken, jwt, 'leak-me']) expect(everything).not.toContain(secret);
  });
});
