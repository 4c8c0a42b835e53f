import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { ResponseEncoder, ResponseEncoderOptions } from '../../src/serving/response-encoder.js';
import type { EncodedItem, EncodeJob, EncodingConfig } from '../../src/serving/response-encoding.js';
import { ServingOverrides } from '../../src/serving/serving-overrides.js';
import { buildOnnxAdd, expectedAddOutput } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

/**
 * The real encoder (its threads), held shut before each item until the test opens it: the
 * "expensive postprocessing" at its most expensive, with explicit synchronisation instead of time.
 */
class LatchedEncoder extends ResponseEncoder {
  private held = 0;
  private waiters: Array<{ count: number; resolve(): void }> = [];
  private openLatch!: () => void;
  private readonly latch = new Promise<void>((resolve) => (this.openLatch = resolve));

  override async encode(config: EncodingConfig, job: EncodeJob): Promise<EncodedItem> {
    this.held++;
    for (const waiter of this.waiters.filter((entry) => this.held >= entry.count)) waiter.resolve();
    await this.latch;
    return super.encode(config, job);
  }

  /** Resolves once `count` items are held at the latch. */
  holding(count: number): Promise<void> {
    if (this.held >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  open(): void {
    this.openLatch();
  }
}

const WIDTH = 65_536;

describe('overload into a model whose postprocessing is held (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  const encoder = new LatchedEncoder(new ResponseEncoderOptions(1, 0));

  beforeAll(async () => {
    t = await startTestApp({}, undefined, { servingOverrides: new ServingOverrides(undefined, undefined, encoder) });
    work = mkdtempSync(join(tmpdir(), 'inference-overload-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    buildOnnxAdd(join(work, 'dense.onnx'), { width: WIDTH });
  });
  afterAll(async () => {
    encoder.open();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('every request of a flood, of every body kind, is refused 503 QUEUE_FULL while the admitted ones wait in postprocessing; they finish after', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'dense.onnx'),
      name: 'dense-held',
      config: { task: 'raw' },
      overrides: { instances: 1, queue: { maxSize: 2, timeoutMs: 120_000 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const runtime = t.app.get(DeploymentManager).get(id)!.runtime;
    const input = (value: number) => ({ inputs: { x: { shape: [1, WIDTH], data: new Array(WIDTH).fill(value) } }, output: 'raw' });
    const order: string[] = [];

    // Two requests take both places and reach postprocessing (inference done), where they are held.
    const admitted = [1, 2].map((value) =>
      infer(t.url, token, id, { json: input(value) }).then((res) => {
        order.push(`${res.status}`);
        return { res, value };
      }),
    );
    await encoder.holding(2);
    const before = runtime.snapshot();
    expect(before.reservedItems).toBe(2);

    // The flood: tensor bodies, multi-megabyte image bodies, and bodies that would fail to parse
    // (REST and v2, JSON and binary): the queue refuses each before its body is read, let alone parsed.
    const photo = await sharp(chelseaPng()).resize(1600, 1200).png({ compressionLevel: 0 }).toBuffer();
    const unparsable = '{"inputs": {"x": {"shape": [1, 3], "data": [1, 2,';
    const v2 = (body: string, contentType: string) =>
      fetch(`${t.url}/v2/models/dense-held/infer`, { method: 'POST', headers: { 'X-Access-Token': token, 'Content-Type': contentType, 'Inference-Header-Content-Length': '4' }, body }).then(
        async (res) => ({ status: res.status, code: res.headers.get('x-error-code'), retryAfter: res.headers.get('retry-after'), body: await res.text() }),
      );
    const kinds = [
      () => infer(t.url, token, id, { json: input(3) }),
      () => infer(t.url, token, id, { body: imageForm([photo]) }),
      () => infer(t.url, token, id, { body: unparsable, headers: { 'Content-Type': 'application/json' } }),
      () => v2(unparsable, 'application/json'),
      () => v2('not a v2 header, not tensors', 'application/octet-stream'),
    ];
    const flood = Array.from({ length: 20 }, (_, index) =>
      kinds[index % kinds.length]().then((res) => {
        order.push(`${res.status}`);
        return res;
      }),
    );
    const refused = await Promise.all(flood);
    for (const res of refused) {
      const code = 'code' in res ? res.code : (res.body as { error: { code: string } }).error.code;
      expect([res.status, code]).toEqual([503, 'QUEUE_FULL']);
      expect(Number('retryAfter' in res ? res.retryAfter : res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Every refusal came while both admitted requests were still held: none of them had answered.
    expect(order).toEqual(new Array(20).fill('503'));
    const during = runtime.snapshot();
    expect(during.rejectedItems - before.rejectedItems).toBe(20);
    expect(during.admittedItems).toBe(before.admittedItems);
    expect(during.reservedItems).toBe(2);

    encoder.open();
    for (const { res, value } of await Promise.all(admitted)) {
      expect(res.status).toBe(200);
      expect(res.body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput(new Array(WIDTH).fill(value))));
    }
    expect(order).toEqual([...new Array(20).fill('503'), '200', '200']);
    expect(runtime.snapshot().reservedItems).toBe(0);
  }, 300_000);
});
