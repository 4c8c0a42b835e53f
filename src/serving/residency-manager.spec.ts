import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, ModelSignature, NamedTensors } from '../../engines/sdk/index.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { ModelConfig } from '../models/model-config.js';
import { DeploymentManager } from './deployment-manager.js';
import { InstanceLoader } from './instance-loader.js';
import { MemoryBudget } from './memory-budget.js';
import { MeasuredInstance, MemoryMeter } from './memory-meter.js';
import type { DeploymentSpec } from './model-deployer.js';
import { ResidencyManager, ResidencyOptions } from './residency-manager.js';
import { ManualTimers, ServingRuntimeOptions, settle } from './runtime-timers.js';

const MB = 1024 * 1024;
const signature: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 1] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 1] }] };
const HOLD = 7;

/** Echoes x; a row of 7 is held until `release()` (a request that is still running). */
class FakeInstance implements LoadedModel {
  readonly signature = signature;
  readonly maxBatchSize = 4;
  disposed = false;
  private held: Array<() => void> = [];
  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    if (requests.some((request) => request.x.data[0] === HOLD)) await new Promise<void>((resolve) => this.held.push(resolve));
    return requests.map((request) => ({ ok: true, outputs: { y: request.x } }));
  }
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** Loads resolve only when the test opens the gate, so concurrent first requests overlap one load. */
class GatedLoader extends InstanceLoader {
  readonly loads: Array<{ modelId: string; instance: FakeInstance }> = [];
  gate: Promise<void> = Promise.resolve();
  async load(spec: DeploymentSpec): Promise<LoadedModel> {
    await this.gate;
    const instance = new FakeInstance();
    this.loads.push({ modelId: spec.modelId, instance });
    return instance;
  }
  loadsOf(modelId: string): number {
    return this.loads.filter((load) => load.modelId === modelId).length;
  }
  latest(modelId: string): FakeInstance {
    return this.loads.filter((load) => load.modelId === modelId).at(-1)!.instance;
  }
}

/** Exact costs per model id, instead of the noisy resident set. */
class FixedMeter extends MemoryMeter {
  constructor(private readonly costs: Record<string, number>) {
    super();
  }
  async measure(spec: DeploymentSpec, load: () => Promise<LoadedModel>): Promise<MeasuredInstance> {
    return { model: await load(), bytes: this.costs[spec.modelId] ?? 0 };
  }
}

const spec = (modelId: string, config: ModelConfig = {}): DeploymentSpec => ({
  modelId,
  modelName: modelId,
  version: 1,
  engine: 'fake',
  artifact: { format: 'onnx', path: '/nowhere.onnx' },
  signature,
  config: { task: 'raw', batching: { maxQueueDelayMs: 0 }, ...config },
});
const onDemand = (idleUnloadSeconds = 0): ModelConfig => ({ residency: { mode: 'on-demand', idleUnloadSeconds } });
const row = (value: number): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(value) } });

function setup(budgetMb: number, costsMb: Record<string, number>) {
  const timers = new ManualTimers();
  const metrics = new MetricsService();
  const loader = new GatedLoader();
  const costs = Object.fromEntries(Object.entries(costsMb).map(([id, mb]) => [id, mb * MB]));
  const residency = new ResidencyManager(metrics, new ResidencyOptions(budgetMb * MB, timers));
  const manager = new DeploymentManager(loader, metrics, new ServingRuntimeOptions(timers, 1_000), residency, new FixedMeter(costs));
  const send = (modelId: string, value = 1) => {
    const runtime = manager.get(modelId)!.runtime;
    return runtime.submit(row(value), { priority: 0, deadline: runtime.now() + 60_000, rows: 1 });
  };
  const loaded = (modelId: string) => manager.residencyOf(modelId)?.loaded;
  const metric = async (name: string) => (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name)?.values ?? [];
  return { timers, metrics, loader, manager, send, loaded, metric, residency };
}

describe('MemoryBudget', () => {
  it('plans evictions least recently used first, only as many as needed, and none when they cannot make room', () => {
    const budget = new MemoryBudget(300);
    budget.charge('a', new FakeInstance(), 100);
    budget.charge('b', new FakeInstance(), 100);
    budget.charge('c', new FakeInstance(), 100);
    const candidates = [
      { modelId: 'a', bytes: 100, lastUsedAt: 30 },
      { modelId: 'b', bytes: 100, lastUsedAt: 10 },
      { modelId: 'c', bytes: 100, lastUsedAt: null },
    ];
    expect(budget.planEviction(0, candidates)).toEqual([]);
    expect(budget.planEviction(150, candidates)).toEqual(['c', 'b']);
    expect(budget.planEviction(400, candidates)).toBeUndefined();
    expect(new MemoryBudget(0).planEviction(1e12, [])).toEqual([]);
  });

  it('refunds a charge when the instance is disposed, once', async () => {
    const budget = new MemoryBudget(300);
    const charged = budget.charge('a', new FakeInstance(), 120);
    expect(budget.bytesOf('a')).toBe(120);
    await charged.dispose();
    await charged.dispose();
    expect(budget.usedBytes).toBe(0);
  });
});

describe('ResidencyManager with the deployment manager', () => {
  it('deploys an on-demand model unloaded and loads it once for concurrent first requests', async () => {
    const { loader, manager, send, loaded, metric } = setup(0, { a: 100 });
    await manager.deploy(spec('a', onDemand()));
    expect(loader.loadsOf('a')).toBe(0);
    expect(manager.residencyOf('a')).toMatchObject({ loaded: false, memoryBytes: 0, lastUsedAt: null });
    let open!: () => void;
    loader.gate = new Promise<void>((resolve) => (open = resolve));
    const answers = [send('a', 1), send('a', 2), send('a', 3)];
    await settle();
    open();
    const results = await Promise.all(answers);
    expect(results.map((result) => Array.from(result.outputs.y.data as Float32Array))).toEqual([[1], [2], [3]]);
    expect(loader.loadsOf('a')).toBe(1);
    expect(manager.residencyOf('a')).toMatchObject({ loaded: true, memoryBytes: 100 * MB });
    expect(manager.residencyOf('a')!.lastColdStartMs).toBeGreaterThanOrEqual(0);
    expect(await metric('modelport_model_loads_total')).toEqual([{ labels: { model: 'a', trigger: 'demand' }, value: 1 }]);
  });

  it('evicts the least recently used idle model when a third does not fit, and reloads it on demand', async () => {
    const { timers, loader, manager, send, loaded, metric } = setup(250, { a: 100, b: 100, c: 100 });
    for (const id of ['a', 'b', 'c']) await manager.deploy(spec(id, onDemand()));
    await send('a');
    await timers.advance(1_000);
    await send('b');
    await timers.advance(1_000);
    await send('a'); // b is now the least recently used
    await timers.advance(1_000);
    await send('c');
    expect([loaded('a'), loaded('b'), loaded('c')]).toEqual([true, false, true]);
    expect(loader.latest('b').disposed).toBe(true);
    await timers.advance(1_000);
    await send('b'); // a was used before c: a goes
    expect([loaded('a'), loaded('b'), loaded('c')]).toEqual([false, true, true]);
    expect(loader.loadsOf('b')).toBe(2);
    expect(await metric('modelport_model_evictions_total')).toEqual(
      expect.arrayContaining([
        { labels: { model: 'b', reason: 'lru' }, value: 1 },
        { labels: { model: 'a', reason: 'lru' }, value: 1 },
      ]),
    );
    expect((await metric('modelport_memory_loaded_bytes'))[0].value).toBe(200 * MB);
  });

  it('never evicts a model with a running request, and answers CAPACITY_EXHAUSTED when nothing can go', async () => {
    const { timers, loader, manager, send, loaded } = setup(250, { a: 100, b: 100, c: 100 });
    for (const id of ['a', 'b', 'c']) await manager.deploy(spec(id, onDemand()));
    await send('a');
    await timers.advance(1_000);
    await send('b');
    // a is the least recently used, but busy: b must go instead.
    const running = send('a', HOLD);
    await settle();
    await send('c');
    expect([loaded('a'), loaded('b'), loaded('c')]).toEqual([true, false, true]);
    // a still running and c busy too: b cannot get room.
    const cRunning = send('c', HOLD);
    await settle();
    const refused = await send('b').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, code: 'CAPACITY_EXHAUSTED', headers: { 'Retry-After': '1' } });
    expect([loaded('a'), loaded('b'), loaded('c')]).toEqual([true, false, true]);
    loader.latest('a').release();
    loader.latest('c').release();
    await Promise.all([running, cRunning]);
    // Idle again: the next request for b evicts the least recently used one.
    await send('b');
    expect(loaded('b')).toBe(true);
  });

  it('unloads an on-demand model after idleUnloadSeconds without requests, not before', async () => {
    const { timers, loader, manager, send, loaded, metric } = setup(0, { a: 100 });
    await manager.deploy(spec('a', onDemand(60)));
    await send('a');
    await timers.advance(30_000);
    await send('a'); // the idle clock starts again
    await timers.advance(59_000);
    expect(loaded('a')).toBe(true);
    await timers.advance(2_000);
    expect(loaded('a')).toBe(false);
    expect(loader.latest('a').disposed).toBe(true);
    expect(manager.residencyOf('a')!.memoryBytes).toBe(0);
    expect(await metric('modelport_model_evictions_total')).toEqual([{ labels: { model: 'a', reason: 'idle' }, value: 1 }]);
    await send('a');
    expect(loaded('a')).toBe(true);
  });

  it('refuses a pinned model beyond the budget with what it needs and what is free, after unloading idle on-demand ones', async () => {
    const { manager, send, loaded, residency } = setup(250, { p1: 100, p2: 100, od: 100, p3: 100 });
    await manager.deploy(spec('p1'));
    await manager.deploy(spec('od', onDemand()));
    await send('od');
    // p2 fits only once the idle on-demand model is unloaded.
    await manager.deploy(spec('p2'));
    expect([loaded('p1'), loaded('od'), loaded('p2')]).toEqual([true, false, true]);
    const refused = await manager.deploy(spec('p3')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 409, code: 'MEMORY_BUDGET_EXCEEDED', details: { neededBytes: 100 * MB, freeBytes: 50 * MB, budgetBytes: 250 * MB } });
    expect(manager.get('p3')).toBeUndefined();
    expect(residency.usedBytes).toBe(200 * MB);
    // A pinned model cannot be unloaded by hand; an on-demand one with a running request neither.
    await expect(manager.unload('p1')).rejects.toMatchObject({ code: 'MODEL_PINNED' });
    await manager.undeploy('p2');
    expect(residency.usedBytes).toBe(100 * MB);
  });

  it('unloads an idle on-demand model by hand, refuses while it is busy', async () => {
    const { loader, manager, send, loaded, metric } = setup(0, { a: 10 });
    await manager.deploy(spec('a', onDemand()));
    expect(await manager.unload('a')).toBe(false);
    await send('a');
    const running = send('a', HOLD);
    await settle();
    await expect(manager.unload('a')).rejects.toMatchObject({ status: 409, code: 'MODEL_BUSY' });
    loader.latest('a').release();
    await running;
    expect(await manager.unload('a')).toBe(true);
    expect(loaded('a')).toBe(false);
    expect(await metric('modelport_model_evictions_total')).toEqual([{ labels: { model: 'a', reason: 'manual' }, value: 1 }]);
  });

  it('swaps an on-demand model to a new version unloaded, frees the old one, and switches modes in place', async () => {
    const { loader, manager, send, loaded, residency } = setup(0, { a: 30 });
    await manager.deploy(spec('a', onDemand()));
    await send('a');
    const v1 = loader.latest('a');
    await manager.deploy({ ...spec('a', onDemand()), version: 2 });
    expect(v1.disposed).toBe(true);
    expect(manager.residencyOf('a')).toMatchObject({ loaded: false, memoryBytes: 0 });
    expect((await send('a')).version).toBe(2);
    expect(residency.usedBytes).toBe(30 * MB);
    // Pinned now: loaded at once, under the same version number.
    await manager.reconfigure('a', { ...spec('a').config, residency: { mode: 'pinned' } });
    expect(loaded('a')).toBe(true);
    expect(residency.usedBytes).toBe(30 * MB);
    await expect(manager.unload('a')).rejects.toMatchObject({ code: 'MODEL_PINNED' });
    // And back to on-demand: unloaded, nothing charged.
    await manager.reconfigure('a', { ...spec('a').config, ...onDemand() });
    expect(manager.residencyOf('a')).toMatchObject({ loaded: false, memoryBytes: 0 });
    expect((await send('a')).version).toBe(2);
    expect(loaded('a')).toBe(true);
  });

  it('answers every waiting request when the on-demand load fails, and loads again on the next one', async () => {
    const { loader, manager, send, loaded } = setup(0, { a: 10 });
    await manager.deploy(spec('a', onDemand()));
    loader.gate = Promise.reject(new Error('disk gone'));
    loader.gate.catch(() => undefined);
    const failures = await Promise.all([send('a').catch((error: unknown) => error), send('a').catch((error: unknown) => error)]);
    expect(failures).toEqual([expect.objectContaining({ status: 503, code: 'MODEL_LOAD_FAILED' }), expect.objectContaining({ status: 503, code: 'MODEL_LOAD_FAILED' })]);
    loader.gate = Promise.resolve();
    await send('a');
    expect(loaded('a')).toBe(true);
  });
});
