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

  it('every request of a flood is refused 503 QUEUE_FULL while the admitted ones wait in postprocessing; they finish after', async () => {
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

    // The flood: tensor bodies and multi-megabyte image bodies alike.
    const photo = await sharp(chelseaPng()).resize(1600, 1200).png({ compressionLevel: 0 }).toBuffer();
    const flood = Array.from({ length: 16 }, (_, index) =>
      (index % 2 === 0 ? infer(t.url, token, id, { json: input(3) }) : infer(t.url, token, id, { body: imageForm([photo]) })).then((res) => {
        order.push(`${res.status}`);
        return res;
      }),
    );
    const refused = await Promise.all(flood);
    for (const res of refused) {
      expect([res.status, res.body.error.code]).toEqual([503, 'QUEUE_FULL']);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Every refusal came while both admitted requests were still held: none of them had answered.
    expect(order).toEqual(new Array(16).fill('503'));
    const during = runtime.snapshot();
    expect(during.rejectedItems - before.rejectedItems).toBe(16);
    expect(during.admittedItems).toBe(before.admittedItems);
    expect(during.reservedItems).toBe(2);

    encoder.open();
    for (const { res, value } of await Promise.all(admitted)) {
      expect(res.status).toBe(200);
      expect(res.body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput(new Array(WIDTH).fill(value))));
    }
    expect(order).toEqual([...new Array(16).fill('503'), '200', '200']);
    expect(runtime.snapshot().reservedItems).toBe(0);
  }, 300_000);
});
