import { describe, expect, it } from 'vitest';
import { WorkerModel, workerSpawner, type LoadedModel, type ModelSignature, type NamedTensors } from '../../engines/sdk/index.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { InstanceLoader } from '../../src/serving/instance-loader.js';
import type { DeploymentSpec } from '../../src/serving/model-deployer.js';
import { ServingRuntimeOptions, systemTimers } from '../../src/serving/runtime-timers.js';

/** The crashy worker spins forever on a row starting with 888: a runtime stuck in native code. */
const spawn = workerSpawner(new URL('../fixtures/workers/index.ts', import.meta.url).href, 'crashy-worker');
const signature: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 2] }], outputs: [{ name: 'y', dtype: 'float32', shape: [-1, 2] }] };
const row = (a: number, b: number): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 2], data: Float32Array.from([a, b]) } });

class WorkerLoader extends InstanceLoader {
  readonly models: WorkerModel[] = [];
  async load(): Promise<LoadedModel> {
    const model = await WorkerModel.open(spawn, {}, 1);
    this.models.push(model);
    return model;
  }
}

const spec: DeploymentSpec = {
  modelId: 'hung',
  modelName: 'hung',
  version: 1,
  engine: 'fixture',
  artifact: { format: 'fixture', path: '/nowhere' },
  signature,
  config: { task: 'raw', batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { timeoutMs: 60_000 } },
};

describe('a hung engine call (real worker thread)', () => {
  it('answers 504, replaces the worker, serves the next request, and undeploy completes', async () => {
    const loader = new WorkerLoader();
    const manager = new DeploymentManager(loader, new MetricsService(), new ServingRuntimeOptions(systemTimers, 50));
    await manager.deploy(spec);
    const runtime = manager.get('hung')!.runtime;
    const stuck = runtime.submit(row(888, 0), { priority: 0, deadline: runtime.now() + 100, rows: 1 }).catch((error: unknown) => error);
    // Queued behind the stuck call: it runs only once the worker has been replaced.
    const next = runtime.submit(row(1, 2), { priority: 0, deadline: runtime.now() + 60_000, rows: 1 });
    expect(await stuck).toMatchObject({ code: 'INFERENCE_TIMEOUT', status: 504 });
    const answer = await next;
    expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual([1, 2]);
    expect(runtime.snapshot()).toMatchObject({ hungCalls: 1, inFlightBatches: 0, executedItems: 2 });
    await manager.undeploy('hung');
    expect(manager.get('hung')).toBeUndefined();
    // Disposed: the worker is gone, and the model refuses further work.
    expect(await loader.models[0].execute([row(3, 4)])).toEqual([{ ok: false, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } }]);
  });

  it('a worker whose reload fails retries with backoff instead of failing forever', async () => {
    let now = 0;
    let failLoads = false;
    const flaky = () => {
      const worker = spawn();
      if (failLoads) setImmediate(() => void worker.terminate());
      return worker;
    };
    const model = await WorkerModel.open(flaky, {}, 1, { reloadBackoffMs: 1_000, now: () => now });
    try {
      failLoads = true;
      await model.restart();
      const [first] = await model.execute([row(1, 1)]);
      expect(first).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
      failLoads = false;
      now += 999;
      expect((await model.execute([row(1, 1)]))[0]).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
      now += 1;
      expect((await model.execute([row(5, 6)]))[0]).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([5, 6]) } } });
    } finally {
      await model.dispose();
    }
  });
});
