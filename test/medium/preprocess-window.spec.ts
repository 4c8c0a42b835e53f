import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, ModelSignature, NamedTensors } from '../../engines/sdk/index.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { InferencePipeline, type ImageBytes } from '../../src/serving/inference-pipeline.js';
import { InstanceLoader } from '../../src/serving/instance-loader.js';
import type { DeploymentSpec } from '../../src/serving/model-deployer.js';
import { ResponseEncoder, ResponseEncoderOptions } from '../../src/serving/response-encoder.js';
import { ManualTimers, ServingRuntimeOptions, settle } from '../../src/serving/runtime-timers.js';
import { chelseaPng } from '../serving/serving-helpers.js';

const signature: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 3, 16, 16] }], outputs: [{ name: 'y', dtype: 'float32', shape: [-1, 2] }] };

/** An engine whose calls after the deploy's warm-up wait for the test to open them (explicit synchronisation, no clock). */
class GatedModel implements LoadedModel {
  readonly signature = signature;
  readonly maxBatchSize = 0;
  calls = 0;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    this.calls++;
    if (this.calls > 1) await this.gate;
    return requests.map(() => ({ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 2], data: Float32Array.of(0.25, 0.75) } } }));
  }
  release(): void {
    this.open();
  }
  async dispose(): Promise<void> {}
}

class GatedLoader extends InstanceLoader {
  readonly model = new GatedModel();
  async load(): Promise<LoadedModel> {
    return this.model;
  }
}

const spec: DeploymentSpec = {
  modelId: 'window',
  modelName: 'window',
  version: 1,
  engine: 'fixture',
  artifact: { format: 'fixture', path: '/nowhere' },
  signature,
  config: { task: 'raw', instances: 1, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { maxSize: 50, timeoutMs: 60_000 } },
};

const WINDOW = 3;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('the preprocess window (real pipeline, runtime and sharp decodes; gated engine)', () => {
  let manager: DeploymentManager | undefined;
  let gated: GatedModel | undefined;
  afterEach(async () => {
    // A failed assertion leaves calls at the gate; undeploy waits for them.
    gated?.release();
    await manager?.undeploy('window').catch(() => undefined);
  });

  async function setUp() {
    const timers = new ManualTimers();
    const options = new ServingRuntimeOptions(timers, 5_000, false);
    const loader = new GatedLoader();
    gated = loader.model;
    const metrics = new MetricsService();
    manager = new DeploymentManager(loader, metrics, options);
    await manager.deploy(spec);
    const config = { serving: { maxImagePixels: 100_000_000, preprocessAhead: WINDOW } } as unknown as AppConfig;
    const pipeline = new InferencePipeline(config, metrics, new ResponseEncoder(new ResponseEncoderOptions(0, 0)), options);
    const deployment = manager.get('window')!;
    const png = await sharp(chelseaPng()).resize(64, 64).png().toBuffer();
    let decoded = 0;
    /** One request's image; `done()` runs once its decode has settled. */
    const image = (): ImageBytes => {
      let done = false;
      return {
        buffers: [png],
        done: () => {
          if (!done) decoded++;
          done = true;
        },
      };
    };
    return { timers, loader, pipeline, deployment, image, png, decoded: () => decoded };
  }

  it('decodes only as many images as the window holds while the engine is busy, then serves every request', async () => {
    const { loader, pipeline, deployment, image, png, decoded } = await setUp();
    const requests = Array.from({ length: 8 }, () => pipeline.runImages(deployment, image(), { output: 'raw', priority: 0 }));
    await until(() => decoded() >= WINDOW);
    // Decodes of the same image queued behind the pipeline's on libuv's pool: had the pipeline
    // started more decodes, they would have finished by the time these have.
    for (let index = 0; index < 6; index++) await sharp(png).raw().toBuffer();
    await settle();
    expect(decoded()).toBe(WINDOW);
    expect(pipeline.preprocessing(deployment)).toBe(WINDOW);
    expect(loader.model.calls).toBe(2); // the warm-up, and the first request waiting at the gate

    loader.model.release();
    const answers = await Promise.all(requests);
    expect(answers).toHaveLength(8);
    expect(decoded()).toBe(8);
    expect(pipeline.preprocessing(deployment)).toBe(0);
  });

  it('a request whose deadline passes while it waits for the window is answered 504 and never decoded', async () => {
    const { timers, loader, pipeline, deployment, image, decoded } = await setUp();
    const held = Array.from({ length: WINDOW }, () => pipeline.runImages(deployment, image(), { output: 'raw', priority: 0 }));
    await until(() => decoded() === WINDOW);
    const late = pipeline.runImages(deployment, image(), { output: 'raw', priority: 0, timeoutMs: 100 }).then(
      () => 'answered',
      (error: { code: string; status: number }) => `${error.status} ${error.code}`,
    );
    await timers.advance(100);
    // Had it been decoded instead of waiting, that decode would finish first.
    expect(await Promise.race([late, until(() => decoded() > WINDOW).then(() => 'decoded')])).toBe('504 INFERENCE_TIMEOUT');
    expect(decoded()).toBe(WINDOW);

    loader.model.release();
    await Promise.all(held);
    expect(pipeline.preprocessing(deployment)).toBe(0);
  });
});
