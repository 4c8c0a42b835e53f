import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { LoadedModel, NamedTensors, TensorSpec } from '../../engines/sdk/index.js';
import { isDynamicDim } from '../../engines/sdk/index.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ModelConfig, ResolvedModelConfig, resolveModelConfig } from '../models/model-config.js';
import { InstanceLoader } from './instance-loader.js';
import { DeploymentSpec, ModelDeployer } from './model-deployer.js';
import { ModelRuntime, RuntimeLimits, RuntimeStats } from './model-runtime.js';
import { zeroTensor } from './tensor-codec.js';

const DRAIN_GRACE_MS = 5_000;

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What serving knows about one deployed model. */
export interface ActiveDeployment {
  spec: DeploymentSpec;
  config: ResolvedModelConfig;
  runtime: ModelRuntime;
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

/** Runs one dummy batch; retries larger dynamic sizes before calling the instance broken. */
async function warmUp(model: LoadedModel, spec: DeploymentSpec, config: ResolvedModelConfig): Promise<void> {
  let lastError = 'no result';
  for (const size of WARMUP_DYNAMIC_SIZES) {
    const [result] = await model.execute([warmupInputs(spec, config, size)]);
    if (result?.ok) return;
    lastError = result ? `${result.error.code} ${result.error.message}` : 'no result';
  }
  throw new Error(`warm-up run failed: ${lastError}`);
}

/**
 * Owns every deployed model's runtime. Deploys, swaps and undeploys of one model are serialised;
 * different models proceed independently.
 */
@Injectable()
export class DeploymentManager extends ModelDeployer implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DeploymentManager');
  private readonly deployments = new Map<string, ActiveDeployment>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private loadedInstances = 0;

  constructor(
    private readonly loader: InstanceLoader,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async deploy(spec: DeploymentSpec): Promise<void> {
    await this.serialized(spec.modelId, async () => {
      const config = resolveModelConfig(spec.config, spec.signature);
      const models = await this.loadInstances(spec, config);
      const existing = this.deployments.get(spec.modelId);
      if (existing && !existing.runtime.isDraining) {
        const oldCount = existing.runtime.snapshot().instances;
        existing.spec = spec;
        existing.config = config;
        // The queue stays; only the instances behind it change.
        const swapped = existing.runtime.swapInstances(models, spec.version, limitsOf(config));
        this.changeLoaded(models.length);
        await swapped;
        this.changeLoaded(-oldCount);
        this.logger.log({ msg: 'Model hot-swapped', modelId: spec.modelId, version: spec.version });
        return;
      }
      const runtime = new ModelRuntime(spec.modelId, models, spec.version, limitsOf(config), {
        batchExecuted: (rows) => this.metrics.recordBatch(spec.modelId, rows),
        queueDepthChanged: (depth) => this.metrics.setQueueDepth(spec.modelId, depth),
      });
      this.deployments.set(spec.modelId, { spec, config, runtime });
      this.changeLoaded(models.length);
      this.logger.log({ msg: 'Model deployed', modelId: spec.modelId, version: spec.version, instances: models.length });
    });
  }

  async undeploy(modelId: string): Promise<void> {
    await this.serialized(modelId, async () => {
      const deployment = this.deployments.get(modelId);
      if (!deployment) return;
      // New requests see "not deployed" at once; queued and running ones finish.
      this.deployments.delete(modelId);
      const instances = deployment.runtime.snapshot().instances;
      // Every waiting or running item is answered by its deadline, so after queue.timeoutMs only a
      // stuck engine call can remain; stop waiting then (its instance is disposed when it returns).
      const drained = await settlesWithin(deployment.runtime.drain(), deployment.config.queue.timeoutMs + DRAIN_GRACE_MS);
      if (!drained) this.logger.warn({ msg: 'An engine call is still running after the drain deadline; its instance will be freed when it returns', modelId });
      this.metrics.setQueueDepth(modelId, 0);
      this.changeLoaded(-instances);
      this.logger.log({ msg: 'Model undeployed', modelId });
    });
  }

  async reconfigure(modelId: string, config: ModelConfig): Promise<void> {
    const deployment = this.deployments.get(modelId);
    if (!deployment) return;
    const resolved = resolveModelConfig(config, deployment.spec.signature);
    if (resolved.instances !== deployment.config.instances || resolved.batching.maxBatchSize !== deployment.config.batching.maxBatchSize) {
      await this.deploy({ ...deployment.spec, config });
      return;
    }
    await this.serialized(modelId, async () => {
      deployment.spec = { ...deployment.spec, config };
      deployment.config = resolved;
      deployment.runtime.updateLimits(limitsOf(resolved));
    });
  }

  renamed(modelId: string, name: string): void {
    const deployment = this.deployments.get(modelId);
    if (deployment) deployment.spec = { ...deployment.spec, modelName: name };
  }

  deployedVersion(modelId: string): number | undefined {
    return this.deployments.get(modelId)?.spec.version;
  }

  override deployedModelIds(): string[] {
    return [...this.deployments.keys()];
  }

  /** The live deployment of a model id, or undefined when none is serving. */
  get(modelId: string): ActiveDeployment | undefined {
    return this.deployments.get(modelId);
  }

  stats(modelId: string): RuntimeStats | undefined {
    return this.deployments.get(modelId)?.runtime.snapshot();
  }

  list(): ActiveDeployment[] {
    return [...this.deployments.values()];
  }

  async beforeApplicationShutdown(): Promise<void> {
    const ids = [...this.deployments.keys()];
    await Promise.all(ids.map((id) => this.undeploy(id).catch((error: unknown) => this.logger.error({ msg: 'Drain failed', modelId: id, error: String(error) }))));
  }

  /** Loads and warms every instance; on any failure disposes what was loaded and rethrows. */
  private async loadInstances(spec: DeploymentSpec, config: ResolvedModelConfig): Promise<LoadedModel[]> {
    const models: LoadedModel[] = [];
    try {
      for (let index = 0; index < config.instances; index++) {
        const model = await this.loader.load(spec, { maxBatchSize: config.batching.maxBatchSize, instances: config.instances });
        models.push(model);
        await warmUp(model, spec, config);
      }
      return models;
    } catch (error) {
      await Promise.all(models.map((model) => model.dispose().catch(() => undefined)));
      throw error;
    }
  }

  private changeLoaded(delta: number): void {
    this.loadedInstances += delta;
    this.metrics.setLoadedModels(this.loadedInstances);
  }

  private serialized<T>(modelId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(modelId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const tail = next.catch(() => undefined);
    this.locks.set(modelId, tail);
    void tail.then(() => {
      if (this.locks.get(modelId) === tail) this.locks.delete(modelId);
    });
    return next;
  }
}
