import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, ModelSignature, NamedTensors } from '../../engines/sdk/index.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { CALLS_PER_SIZE, type BatchProfile } from './batch-profile.js';
import { BatchProfileKey, batchProfileKeyDigest, BatchProfileStore } from './batch-profile-store.js';
import { DeploymentManager } from './deployment-manager.js';
import { InstanceLoader } from './instance-loader.js';
import { ManualTimers, ServingRuntimeOptions, settle } from './runtime-timers.js';
import type { DeploymentSpec } from './model-deployer.js';

/** The engine calls of a deploy: one warm-up call, then CALLS_PER_SIZE profiling calls at each size. */
const warmUpAndProfile = (sizes: number[]) => [1, ...sizes.flatMap((size) => Array<number>(CALLS_PER_SIZE).fill(size))];

const signature: ModelSignature = {
  inputs: [{ name: 'images', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] }],
  outputs: [{ name: 'scores', dtype: 'float32', shape: ['batch', 2] }],
};

class FakeInstance implements LoadedModel {
  readonly signature = signature;
  readonly maxBatchSize = 4;
  readonly calls: NamedTensors[][] = [];
  disposed = false;
  /** After warm-up, execute() never returns (a stuck engine). */
  hangAfterWarmup = false;
  constructor(
    readonly version: number,
    private readonly failWarmup = false,
  ) {}
  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    this.calls.push(requests);
    if (this.hangAfterWarmup && this.calls.length > 1) return new Promise<never>(() => undefined);
    if (this.failWarmup) return requests.map(() => ({ ok: false, error: { code: 'BROKEN', message: 'no' } }));
    return requests.map(() => ({ ok: true, outputs: { scores: { dtype: 'float32', shape: [1, 2], data: Float32Array.of(this.version, 0) } } }));
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

class FakeLoader extends InstanceLoader {
  readonly loaded: FakeInstance[] = [];
  failWarmupFor = new Set<number>();
  async load(spec: DeploymentSpec): Promise<LoadedModel> {
    const instance = new FakeInstance(spec.version, this.failWarmupFor.has(spec.version));
    this.loaded.push(instance);
    return instance;
  }
}

/** Profiles in memory, with every key asked for and kept. */
class MemoryProfileStore extends BatchProfileStore {
  readonly kept = new Map<string, BatchProfile>();
  readonly asked: BatchProfileKey[] = [];
  readonly keptKeys: BatchProfileKey[] = [];
  failPuts = false;
  async get(key: BatchProfileKey): Promise<BatchProfile | undefined> {
    this.asked.push(key);
    return this.kept.get(batchProfileKeyDigest(key));
  }
  async put(key: BatchProfileKey, profile: BatchProfile): Promise<void> {
    this.keptKeys.push(key);
    if (this.failPuts) throw new Error('disk full');
    this.kept.set(batchProfileKeyDigest(key), profile);
  }
}

class RecordingMetrics extends MetricsService {
  loaded: number[] = [];
  override setLoadedModels(count: number): void {
    this.loaded.push(count);
  }
}

const spec = (version: number, config: DeploymentSpec['config'] = {}): DeploymentSpec => ({
  modelId: 'm1',
  modelName: 'model-one',
  version,
  engine: 'fake',
  artifact: { format: 'onnx', path: '/nowhere.onnx' },
  signature,
  config: { task: 'classification', preprocess: { width: 8, height: 6 }, ...config },
});

const input: NamedTensors = { images: { dtype: 'float32', shape: [1, 3, 6, 8], data: new Float32Array(144) } };
let currentTimers = new ManualTimers();
/** Submits one item and lets the batching delay pass on the manual clock. */
async function submit(manager: DeploymentManager) {
  const runtime = manager.get('m1')!.runtime;
  const result = runtime.submit(input, { priority: 0, deadline: runtime.now() + 10_000, rows: 1 });
  await currentTimers.advance(100);
  return result;
}

function setup() {
  const loader = new FakeLoader();
  const metrics = new RecordingMetrics();
  const timers = new ManualTimers();
  currentTimers = timers;
  return { loader, metrics, timers, manager: new DeploymentManager(loader, metrics, new ServingRuntimeOptions(timers, 1_000, false)) };
}

describe('DeploymentManager', () => {
  it('loads and warms every instance with dummy inputs shaped from the resolved config', async () => {
    const { loader, metrics, manager } = setup();
    await manager.deploy(spec(1, { instances: 2 }));
    expect(loader.loaded).toHaveLength(2);
    for (const instance of loader.loaded) {
      expect(instance.calls).toHaveLength(1);
      expect(instance.calls[0][0].images.shape).toEqual([1, 3, 6, 8]);
    }
    expect(manager.deployedVersion('m1')).toBe(1);
    expect(manager.stats('m1')).toMatchObject({ instances: 2, version: 1 });
    expect(metrics.loaded.at(-1)).toBe(2);
  });

  it('a failed warm-up throws, disposes what it loaded and leaves the serving version alone', async () => {
    const { loader, manager } = setup();
    await manager.deploy(spec(1));
    loader.failWarmupFor.add(2);
    await expect(manager.deploy(spec(2))).rejects.toThrow(/warm-up/);
    expect(loader.loaded[1].disposed).toBe(true);
    // Retried with larger dynamic sizes before giving up.
    expect(loader.loaded[1].calls).toHaveLength(3);
    expect(manager.deployedVersion('m1')).toBe(1);
    expect((await submit(manager)).version).toBe(1);
  });

  it('a second deploy hot-swaps behind the same queue and disposes the old instances', async () => {
    const { loader, metrics, manager } = setup();
    await manager.deploy(spec(1));
    const runtime = manager.get('m1')!.runtime;
    await manager.deploy(spec(2));
    expect(manager.get('m1')!.runtime).toBe(runtime);
    expect(loader.loaded[0].disposed).toBe(true);
    expect(manager.deployedVersion('m1')).toBe(2);
    const result = await submit(manager);
    expect([result.version, (result.outputs.scores.data as Float32Array)[0]]).toEqual([2, 2]);
    expect(metrics.loaded.at(-1)).toBe(1);
  });

  it('undeploy lets queued work finish, then forgets and disposes the model', async () => {
    const { loader, metrics, manager } = setup();
    await manager.deploy(spec(1));
    const pending = submit(manager);
    await manager.undeploy('m1');
    expect(manager.get('m1')).toBeUndefined();
    expect(manager.deployedVersion('m1')).toBeUndefined();
    await expect(pending).resolves.toMatchObject({ version: 1 });
    expect(loader.loaded[0].disposed).toBe(true);
    expect(metrics.loaded.at(-1)).toBe(0);
    await manager.undeploy('m1');
  });

  it('reconfigure applies queue and delay changes live, and reloads when instances change', async () => {
    const { loader, manager } = setup();
    await manager.deploy(spec(1));
    await manager.reconfigure('m1', { ...spec(1).config, queue: { maxSize: 3 }, batching: { maxQueueDelayMs: 50 } });
    expect(loader.loaded).toHaveLength(1);
    expect(manager.get('m1')!.config.queue.maxSize).toBe(3);
    await manager.reconfigure('m1', { ...spec(1).config, instances: 3 });
    expect(loader.loaded).toHaveLength(4);
    expect(manager.stats('m1')).toMatchObject({ instances: 3, version: 1 });
    expect(loader.loaded[0].disposed).toBe(true);
  });

  it('shutdown drains every deployment', async () => {
    const { loader, manager } = setup();
    await manager.deploy(spec(1));
    await manager.deploy({ ...spec(1), modelId: 'm2' });
    await manager.beforeApplicationShutdown();
    expect(manager.list()).toEqual([]);
    expect(loader.loaded.every((instance) => instance.disposed)).toBe(true);
  });

  it('rejects a config that contradicts the signature without loading anything', async () => {
    const { loader, manager } = setup();
    await expect(manager.deploy(spec(1, { preprocess: { input: 'nope', width: 8, height: 6 } }))).rejects.toThrow(/preprocess.input/);
    expect(loader.loaded).toHaveLength(0);
  });

  it('undeploy of a model whose engine call never returns still completes and frees the instance', async () => {
    const { loader, manager, timers } = setup();
    await manager.deploy(spec(1, { queue: { timeoutMs: 10 } }));
    loader.loaded[0].hangAfterWarmup = true;
    const runtime = manager.get('m1')!.runtime;
    const stuck = runtime.submit(input, { priority: 0, deadline: runtime.now() + 10, rows: 1 }).catch((error: unknown) => error);
    await timers.advance(10);
    expect(await stuck).toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    let undeployed = false;
    const undeploy = manager.undeploy('m1').then(() => (undeployed = true));
    await settle();
    expect(manager.get('m1')).toBeUndefined();
    expect(undeployed).toBe(false);
    // The fake cannot restart, so only the drain deadline (queue timeout + 2 × grace) ends the wait.
    await timers.advance(10 + 2 * 1_000);
    await undeploy;
    expect(loader.loaded[0].disposed).toBe(true);
  });

  it('profiles latency per batch size at deploy and takes preferredBatchSizes from it, reported in the stats', async () => {
    const loader = new FakeLoader();
    let now = 0;
    // Every engine call takes 2.5 ms whatever its size: per-item time halves with each doubling.
    const manager = new DeploymentManager(loader, new RecordingMetrics(), new ServingRuntimeOptions(new ManualTimers(), 1_000, true, () => (now += 2.5)));
    await manager.deploy(spec(1));
    expect(loader.loaded[0].calls.map((call) => call.length)).toEqual(warmUpAndProfile([1, 2, 4]));
    expect(manager.get('m1')!.config.batching).toMatchObject({ maxBatchSize: 8, batchTarget: 4, preferredBatchSizes: [2, 4] });
    expect(manager.stats('m1')?.batchProfile?.points.map((point) => [point.batchSize, point.msPerItem])).toEqual([
      [1, 2.5],
      [2, 1.25],
      [4, 0.625],
    ]);
    // An explicit maxBatchSize or preferredBatchSizes wins over the profile.
    await manager.deploy(spec(2, { batching: { maxBatchSize: 2, preferredBatchSizes: [2] } }));
    expect(manager.get('m1')!.config.batching).toMatchObject({ maxBatchSize: 2, preferredBatchSizes: [2] });
  });

  it('warm-up retries larger dynamic sizes for models that reject tiny inputs', async () => {
    const { loader, manager } = setup();
    const tensorSignature: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 'n'] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 'n'] }] };
    const original = loader.load.bind(loader);
    loader.load = async (deploySpec) => {
      const instance = (await original(deploySpec)) as FakeInstance;
      const execute = instance.execute.bind(instance);
      instance.execute = async (requests) => ((requests[0].x.shape[1] as number) < 64 ? [{ ok: false, error: { code: 'INVALID_INPUT', message: 'too small' } }] : execute(requests));
      return instance;
    };
    await manager.deploy({ ...spec(1, { task: 'raw' }), signature: tensorSignature, config: { task: 'raw' } });
    expect(manager.deployedVersion('m1')).toBe(1);
  });

  describe('with a batch profile store', () => {
    // Every engine call takes 2.5 ms whatever its size (see the test above).
    function profiled(store: MemoryProfileStore) {
      const loader = new FakeLoader();
      let now = 0;
      const manager = new DeploymentManager(loader, new RecordingMetrics(), new ServingRuntimeOptions(new ManualTimers(), 1_000, true, () => (now += 2.5)), undefined, undefined, store);
      return { loader, manager };
    }
    const withDigest = (version: number, config: DeploymentSpec['config'] = {}, artifactSha256 = 'c'.repeat(64)): DeploymentSpec => ({ ...spec(version, config), artifactSha256 });

    it('measures once, then a redeploy or a restart of the same artifact reuses the profile without profiling calls', async () => {
      const store = new MemoryProfileStore();
      const first = profiled(store);
      await first.manager.deploy(withDigest(1));
      expect(first.loader.loaded[0].calls.map((call) => call.length)).toEqual(warmUpAndProfile([1, 2, 4]));
      const measured = first.manager.stats('m1')?.batchProfile;
      expect(store.keptKeys).toHaveLength(1);
      expect(store.keptKeys[0]).toMatchObject({ artifactSha256: 'c'.repeat(64), engine: 'fake', limit: 4, inputShapes: { images: [1, 3, 6, 8] } });

      // A hot swap to a version with the same artifact: warm-up only.
      await first.manager.deploy(withDigest(2));
      expect(first.loader.loaded[1].calls.map((call) => call.length)).toEqual([1]);
      expect(first.manager.stats('m1')?.batchProfile).toEqual(measured);
      expect(first.manager.get('m1')!.config.batching).toMatchObject({ batchTarget: 4, preferredBatchSizes: [2, 4] });

      // A new process (a restart) with the same store.
      const restarted = profiled(store);
      await restarted.manager.deploy(withDigest(2));
      expect(restarted.loader.loaded[0].calls.map((call) => call.length)).toEqual([1]);
      expect(restarted.manager.stats('m1')?.batchProfile).toEqual(measured);
      expect(store.keptKeys).toHaveLength(1);
    });

    it('measures again when the artifact or the batching limit differs', async () => {
      const store = new MemoryProfileStore();
      const { loader, manager } = profiled(store);
      await manager.deploy(withDigest(1));
      await manager.deploy(withDigest(2, {}, 'd'.repeat(64)));
      expect(loader.loaded[1].calls.map((call) => call.length)).toEqual(warmUpAndProfile([1, 2, 4]));
      await manager.deploy(withDigest(3, { batching: { maxBatchSize: 2 } }, 'd'.repeat(64)));
      expect(loader.loaded[2].calls.map((call) => call.length)).toEqual(warmUpAndProfile([1, 2]));
      expect(store.keptKeys.map((key) => [key.artifactSha256[0], key.limit])).toEqual([
        ['c', 4],
        ['d', 4],
        ['d', 2],
      ]);
    });

    it('does not use the store for an artifact of unknown digest, and a store that cannot write does not fail the deploy', async () => {
      const store = new MemoryProfileStore();
      const { loader, manager } = profiled(store);
      await manager.deploy(spec(1));
      expect(store.asked).toHaveLength(0);
      expect(store.keptKeys).toHaveLength(0);
      store.failPuts = true;
      await manager.deploy(withDigest(2));
      expect(manager.deployedVersion('m1')).toBe(2);
      expect(loader.loaded[1].calls.map((call) => call.length)).toEqual(warmUpAndProfile([1, 2, 4]));
      expect(manager.stats('m1')?.batchProfile?.preferredBatchSizes).toEqual([2, 4]);
    });
  });
});
