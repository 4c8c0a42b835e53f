import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/common/buffer-pool.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const BODY_LIMIT = 8 * 1024 * 1024;

/** Multipart images of a few megabytes are read into reused buffers (src/common/buffer-pool.ts). */
describe('inference: multipart bodies in pooled buffers', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let modelId: string;
  /** Large enough to be pooled (≥ 256 KiB), different enough to give different outputs. */
  let photos: Buffer[];
  let expected: number[][];

  const rawOf = (body: { results: Array<{ outputs: Record<string, { data: number[] }> }> }) => body.results.map((result) => Object.values(result.outputs)[0].data);

  beforeAll(async () => {
    t = await startTestApp({ MAX_REQUEST_BYTES: String(BODY_LIMIT) });
    work = mkdtempSync(join(tmpdir(), 'pooled-bodies-'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 5 });
    modelId = await uploadAndDeploy(t.url, admin, { file: join(work, 'classifier.onnx'), name: 'pooled', config: { task: 'classification' } });
    token = await issueAccessToken(t.url, admin);
    const big = (image: Buffer, width: number) => sharp(image).resize(width).png({ compressionLevel: 1 }).toBuffer();
    photos = await Promise.all([big(chelseaPng(), 900), big(coffeePng(), 900), big(chelseaPng(), 700), sharp(coffeePng()).resize(1400).jpeg({ quality: 95 }).toBuffer()]);
    for (const photo of photos) expect(photo.length).toBeGreaterThan(256 * 1024);
    // The references go as JSON base64, which never touches the pool.
    expected = [];
    for (const photo of photos) {
      const res = await infer(t.url, token, modelId, { json: { image: photo.toString('base64'), output: 'raw' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expected.push(rawOf(res.body)[0]);
    }
    expect(new Set(expected.map((data) => JSON.stringify(data))).size).toBe(photos.length);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('gives every concurrent request the answer for its own image, buffers being reused', async () => {
    const order = Array.from({ length: 24 }, (_, index) => index % photos.length);
    const answers = await Promise.all(order.map((which) => infer(t.url, token, modelId, { body: imageForm([photos[which]]), query: 'output=raw' })));
    answers.forEach((res, index) => {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(rawOf(res.body)).toEqual([expected[order[index]]]);
    });
    // The pooled path ran: idle buffers are waiting for the next bodies.
    expect(t.app.get(BufferPool).retainedBytes).toBeGreaterThan(0);
    const again = await Promise.all(order.map((which) => infer(t.url, token, modelId, { body: imageForm([photos[which]]), query: 'output=raw' })));
    again.forEach((res, index) => expect(rawOf(res.body)).toEqual([expected[order[index]]]));
  });

  it('keeps several images of one request apart inside the one buffer', async () => {
    const res = await infer(t.url, token, modelId, { body: imageForm([photos[3], photos[0], photos[1]]), query: 'output=raw' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(rawOf(res.body)).toEqual([expected[3], expected[0], expected[1]]);
  });

  it('refuses a corrupt image among good ones with its index, and the buffers serve the next requests intact', async () => {
    const corrupt = Buffer.concat([photos[0].subarray(0, photos[0].length >> 1), Buffer.alloc(4096, 0xa5)]);
    const [bad, ...good] = await Promise.all([
      infer(t.url, token, modelId, { body: imageForm([photos[1], corrupt, photos[2]]), query: 'output=raw' }),
      ...[0, 1, 2, 3].map((which) => infer(t.url, token, modelId, { body: imageForm([photos[which]]), query: 'output=raw' })),
    ]);
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_IMAGE', details: { index: 1 } });
    good.forEach((res, which) => expect(rawOf(res.body)).toEqual([expected[which]]));
    const after = await Promise.all([2, 3, 0, 1].map((which) => infer(t.url, token, modelId, { body: imageForm([photos[which]]), query: 'output=raw' })));
    after.forEach((res, index) => expect(rawOf(res.body)).toEqual([expected[[2, 3, 0, 1][index]]]));
  });

  it('refuses images over the body limit with 413 PAYLOAD_TOO_LARGE, then serves normally', async () => {
    const huge = Buffer.concat([photos[0], Buffer.alloc(BODY_LIMIT, 1)]);
    const res = await infer(t.url, token, modelId, { body: imageForm([huge]) });
    expect(res.status).toBe(413);
    expect(res.body.error.code, JSON.stringify(res.body)).toBe('PAYLOAD_TOO_LARGE');
    const next = await infer(t.url, token, modelId, { body: imageForm([photos[2]]), query: 'output=raw' });
    expect(rawOf(next.body)).toEqual([expected[2]]);
  });
});
