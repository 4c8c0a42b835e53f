import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import AsyncLock from 'async-lock';
import pTimeout, { TimeoutError } from 'p-timeout';
import type { LoadedModel, NamedTensors, TensorSpec } from '../../engines/sdk/index.js';
import { isDynamicDim } from '../../engines/sdk/index.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ModelConfig, ResolvedModelConfig, resolveModelConfig } from '../models/model-config.js';
import type { ResidencyState } from '../models/model-view.js';
import { BatchProfile, profileBatchSizes } from './batch-profile.js';
import { BatchProfileKey, BatchProfileStore, NoBatchProfileStore } from './batch-profile-store.js';
import { InstanceLoader } from './instance-loader.js';
import { MemoryMeter, ProcessMemoryMeter } from './memory-meter.js';
import { LoadedInstances, ResidencyManager } from './residency-manager.js';
import { DeploymentSpec, ModelDeployer } from './model-deployer.js';
import { ModelRuntime, RuntimeLimits, RuntimeStats } from './model-runtime.js';
import { pTimeoutTimers, ServingRuntimeOptions } from './runtime-timers.js';
import { zeroTensor } from './tensor-codec.js';

/**
 * What serving knows about one deployed version of a model. Immutable: a swap, a rename or a
 * config change makes a new one, and requests keep the one they were admitted with.
 */
export interface ActiveDeployment {
  readonly spec: DeploymentSpec;
  /** The resolved config, with batching as the batch profile allows. */
  readonly config: ResolvedModelConfig;
  readonly runtime: ModelRuntime<ActiveDeployment>;
  /** Latency per batch size measured at deploy, when the model can batch. */
  readonly batchProfile?: BatchProfile;
}

/**
 * Batching as the profile allows: a model batches only up to the size where per-item time still
 * improves, unless the config sets maxBatchSize itself; preferredBatchSizes default to the
 * profile's.
 */
export function applyBatchProfile(resolved: ResolvedModelConfig, config: ModelConfig, profile: BatchProfile | undefined): ResolvedModelConfig {
  if (!profile || profile.points.length === 0) return resolved;
  // The profile limits what the batcher groups, never what one request may carry: a request of
  // more rows than the profiled size still runs, as one call, up to maxBatchSize.
  const maxBatchSize = resolved.batching.maxBatchSize;
  const batchTarget = config.batching?.maxBatchSize ?? Math.min(maxBatchSize, profile.maxBatchSize);
  const preferredBatchSizes = config.batching?.preferredBatchSizes ? resolved.batching.preferredBatchSizes : profile.preferredBatchSizes.filter((size) => size <= batchTarget);
  return { ...resolved, batching: { ...resolved.batching, maxBatchSize, preferredBatchSizes, batchTarget } };
}

function limitsOf(config: ResolvedModelConfig): RuntimeLimits {
  return { batching: config.batching, queueMaxSize: config.queue.maxSize };
}

/** Sizes tried, in order, for dynamic non-batch dimensions during warm-up (some models reject tiny inputs). */
const WARMUP_DYNAMIC_SIZES = [1, 64, 224];

/** Dummy inputs for the warm-up run: one row; image sides from preprocess; other dynamic dims at `dynamicSize`. */
export function warmupInputs(spec: DeploymentSpec, config: ResolvedModelConfig, dynamicSize = 1): NamedTensors {
  const inputs: NamedTensors = {};
  for (const input of spec.signature.inputs) inputs[input.name] = zeroTensor(input.dtype, warmupShape(input, config, dynamicSize));
  return inputs;
}

function warmupShape(input: TensorSpec, config: ResolvedModelConfig, dynamicSize: number): number[] {
  const pre = config.preprocess?.input === input.name ? config.preprocess : null;
  const [heightIndex, widthIndex, channelIndex] = pre?.layout === 'NHWC' ? [1, 2, 3] : [2, 3, 1];
  return input.shape.map((dim, index) => {
    if (!isDynamicDim(dim)) return dim as number;
    if (index === 0) return 1;
    if (pre && index === heightIndex) return pre.height;
    if (pre && index === widthIndex) return pre.width;
    if (pre && index === channelIndex) return 3;
    return dynamicSize;
  });
}

/** Runs one dummy batch; retries larger dynamic sizes before calling the instance broken. Returns a maker of fresh inputs of the size that ran. */
async function warmUp(model: LoadedModel, spec: DeploymentSpec, config: ResolvedModelConfig): Promise<() => NamedTensors> {
  let lastError = 'no result';
  for (const size of WARMUP_DYNAMIC_SIZES) {
    const [result] = await model.execute([warmupInputs(spec, config, size)]);
    if (result?.ok) return () => warmupInputs(spec, config, size);
    lastError = result ? `${result.error.code} ${result.error.message}` : 'no result';
  }
  throw new Error(`warm-up run failed: ${lastError}`);
}

/**
 * Owns every deployed model's runtime. Deploys, swaps and undeploys of one model are serialised
 * by a keyed lock; different models proceed independently.
 */
@Injectable()
export class DeploymentManager extends ModelDeployer implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DeploymentManager');
  private readonly runtimes = new Map<string, ModelRuntime<ActiveDeployment>>();
  private readonly lock = new AsyncLock({ maxPending: Number.MAX_SAFE_INTEGER });
  private loadedInstances = 0;

  constructor(
    private readonly loader: InstanceLoader,
    private readonly metrics: MetricsService,
    private readonly options: ServingRuntimeOptions = new ServingRuntimeOptions(),
    private readonly residency: ResidencyManager = new ResidencyManager(metrics),
    private readonly meter: MemoryMeter = new ProcessMemoryMeter(),
    private readonly profiles: BatchProfileStore = new NoBatchProfileStore(),
  ) {
    super();
  }

  async deploy(spec: DeploymentSpec): Promise<void> {
    await this.serialized(spec.modelId, async () => {
      const resolved = resolveModelConfig(spec.config, spec.signature);
      // An on-demand version starts with no instances (and no batch profile): its first request loads them.
      const onDemand = resolved.residency.mode === 'on-demand';
      const { models, batchProfile } = onDemand ? { models: [], batchProfile: undefined } : await this.residency.loadPinned(spec.modelId, () => this.loadInstances(spec, resolved, true));
      const config = applyBatchProfile(resolved, spec.config, batchProfile);
      const existing = this.runtimes.get(spec.modelId);
      if (existing && !existing.isDraining) {
        const oldCount = existing.snapshot().instances;
        // The queue stays; new admissions go to the new version, the old one finishes its own items.
        const swapped = existing.serve(spec.version, models, { spec, config, runtime: existing, batchProfile }, limitsOf(config));
        this.changeLoaded(models.length);
        await swapped;
        this.changeLoaded(-oldCount);
        this.logger.log({ msg: 'Model hot-swapped', modelId: spec.modelId, version: spec.version });
        return;
      }
      const runtime = new ModelRuntime<ActiveDeployment>(spec.modelId, limitsOf(config), {
        observer: {
          batchExecuted: (rows) => this.metrics.recordBatch(spec.modelId, rows),
          queueDepthChanged: (depth) => this.metrics.setQueueDepth(spec.modelId, depth),
          itemQueued: (version, instances) => this.residency.itemQueued(spec.modelId, version, instances),
          batchFinished: () => this.residency.used(spec.modelId),
        },
        timers: this.options.timers,
        engineGraceMs: this.options.engineGraceMs,
      });
      await runtime.serve(spec.version, models, { spec, config, runtime, batchProfile });
      this.residency.register(spec.modelId, runtime, (deployment) => this.loadInstances(deployment.spec, deployment.config, false), (delta) => this.changeLoaded(delta));
      this.runtimes.set(spec.modelId, runtime);
      this.changeLoaded(models.length);
      this.logger.log({ msg: 'Model deployed', modelId: spec.modelId, version: spec.version, instances: models.length });
    });
  }

  async undeploy(modelId: string): Promise<void> {
    await this.serialized(modelId, async () => {
      const runtime = this.runtimes.get(modelId);
      const deployment = runtime?.current;
      if (!runtime || !deployment) return;
      // New requests see "not deployed" at once; queued and running ones finish.
      this.runtimes.delete(modelId);
      const instances = runtime.snapshot().instances;
      // Every item is answered by its deadline and a hung engine call is restarted after the grace
      // period, so the drain ends by then; if it still has not, every instance is freed anyway.
      const limit = deployment.config.queue.timeoutMs + 2 * this.options.engineGraceMs;
      try {
        await pTimeout(runtime.drain(), { milliseconds: limit, customTimers: pTimeoutTimers(this.options.timers) });
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        this.logger.warn({ msg: 'The drain did not finish in time; stopping every instance', modelId });
        await runtime.forceStop();
      }
      await this.residency.forget(modelId);
      this.metrics.setQueueDepth(modelId, 0);
      this.changeLoaded(-instances);
      this.logger.log({ msg: 'Model undeployed', modelId });
    });
  }

  async reconfigure(modelId: string, config: ModelConfig): Promise<void> {
    const deployment = this.get(modelId);
    if (!deployment) return;
    const resolved = applyBatchProfile(resolveModelConfig(config, deployment.spec.signature), config, deployment.batchProfile);
    const reload = resolved.instances !== deployment.config.instances || resolved.batching.maxBatchSize !== deployment.config.batching.maxBatchSize;
    const residencyChanged = resolved.residency.mode !== deployment.config.residency.mode || resolved.isolation !== deployment.config.isolation || resolved.maxMemoryMb !== deployment.config.maxMemoryMb;
    if (reload || residencyChanged) {
      await this.deploy({ ...deployment.spec, config });
      return;
    }
    await this.serialized(modelId, async () => {
      const current = this.get(modelId);
      if (!current) return;
      current.runtime.updateDeployment({ ...current, spec: { ...current.spec, config }, config: resolved });
      current.runtime.updateLimits(limitsOf(resolved));
    });
  }

  renamed(modelId: string, name: string): void {
    const deployment = this.get(modelId);
    if (deployment) deployment.runtime.updateDeployment({ ...deployment, spec: { ...deployment.spec, modelName: name } });
  }

  deployedVersion(modelId: string): number | undefined {
    return this.get(modelId)?.spec.version;
  }

  override deployedModelIds(): string[] {
    return [...this.runtimes.keys()].filter((modelId) => this.get(modelId) !== undefined);
  }

  /** The live deployment of a model id, or undefined when none is serving. */
  get(modelId: string): ActiveDeployment | undefined {
    return this.runtimes.get(modelId)?.current;
  }

  unload(modelId: string): Promise<boolean> {
    return this.residency.unload(modelId);
  }

  residencyOf(modelId: string): ResidencyState | undefined {
    return this.residency.stateOf(modelId);
  }

  stats(modelId: string): RuntimeStats | undefined {
    const runtime = this.runtimes.get(modelId);
    if (!runtime) return undefined;
    const profile = runtime.current?.batchProfile;
    return { ...runtime.snapshot(), ...(profile ? { batchProfile: profile } : {}) };
  }

  list(): ActiveDeployment[] {
    return [...this.runtimes.values()].flatMap((runtime) => (runtime.current ? [runtime.current] : []));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const ids = [...this.runtimes.keys()];
    await Promise.all(ids.map((id) => this.undeploy(id).catch((error: unknown) => this.logger.error({ msg: 'Drain failed', modelId: id, error: String(error) }))));
  }

  /**
   * Loads, warms and measures every instance, and (with `profile`) profiles the first one's
   * latency per batch size; on any failure disposes what was loaded and rethrows. An on-demand
   * load skips the profile: a waiting request should not pay for it.
   */
  private async loadInstances(spec: DeploymentSpec, config: ResolvedModelConfig, profile: boolean): Promise<LoadedInstances & { batchProfile?: BatchProfile }> {
    const models: LoadedModel[] = [];
    const bytes: number[] = [];
    let batchProfile: BatchProfile | undefined;
    try {
      for (let index = 0; index < config.instances; index++) {
        const measured = await this.meter.measure(spec, async () => {
          const model = await this.loader.load(spec, { maxBatchSize: config.batching.maxBatchSize, instances: config.instances });
          models.push(model);
          const makeRow = await warmUp(model, spec, config);
          const limit = Math.min(config.batching.maxBatchSize, model.maxBatchSize);
          if (profile && index === 0 && this.options.profileBatches && limit > 1) batchProfile = await this.batchProfile(spec, model, makeRow, limit);
          return model;
        });
        bytes.push(measured.bytes);
      }
      return { models, bytes, batchProfile };
    } catch (error) {
      await Promise.all(models.map((model) => model.dispose().catch(() => undefined)));
      throw error;
    }
  }

  /**
   * The profile kept from an earlier measurement with the same key (a restart, a redeploy of the
   * same artifact), else a new measurement, kept for next time. Keeping it is best effort: a
   * store that cannot write costs the next deploy a measurement, never this one.
   */
  private async batchProfile(spec: DeploymentSpec, model: LoadedModel, makeRow: () => NamedTensors, limit: number): Promise<BatchProfile> {
    const key = this.profileKey(spec, makeRow(), limit);
    const kept = key ? await this.profiles.get(key).catch(() => undefined) : undefined;
    if (kept) return kept;
    const measured = await profileBatchSizes(model, makeRow, limit, this.options.profileClock);
    if (key) {
      await this.profiles.put(key, measured).catch((error: unknown) => this.logger.warn({ msg: 'Could not keep the batch profile', modelId: spec.modelId, error: String(error) }));
    }
    return measured;
  }

  /** Undefined when the artifact's digest is unknown: without it nothing says two artifacts are the same. */
  private profileKey(spec: DeploymentSpec, row: NamedTensors, limit: number): BatchProfileKey | undefined {
    if (!spec.artifactSha256) return undefined;
    const inputShapes = Object.fromEntries(Object.entries(row).map(([name, tensor]) => [name, [...tensor.shape]]));
    return { artifactSha256: spec.artifactSha256, ...this.loader.executionContext(spec), limit, inputShapes };
  }

  private changeLoaded(delta: number): void {
    this.loadedInstances += delta;
    this.metrics.setLoadedModels(this.loadedInstances);
  }

  private serialized<T>(modelId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.acquire(modelId, work);
  }
}
