/**
 * TensorFlow.js engine. Formats: `tfjs` (a directory with model.json and weight shards, layers
 * or graph model) on any backend, and `savedmodel` on the tfjs-node backends only. Every loaded
 * model gets its own worker thread (see docs/engines.md for why).
 */
import { statSync } from 'node:fs';
import {
  ENGINE_API_VERSION,
  WorkerBackedEngine,
  WorkerModel,
  workerSpawner,
  type Engine,
  type EngineContext,
  type EngineErrorInfo,
  type EngineFactory,
  type LoadOptions,
  type ModelArtifact,
  type ProbeResult,
} from '../sdk/index.js';
import { expectedBackend, packageVersion } from './backend.js';

const DEFAULT_MAX_BATCH = 32;

class TensorflowEngine extends WorkerBackedEngine implements Engine {
  readonly name = 'tensorflow';
  readonly version = packageVersion('@tensorflow/tfjs') ?? 'unknown';
  readonly apiVersion = ENGINE_API_VERSION;
  readonly formats = ['tfjs', 'savedmodel'] as const;
  private readonly spawn = workerSpawner(import.meta.url, 'worker');
  private backend = expectedBackend();

  constructor(context: EngineContext) {
    super(context);
  }

  async probe(): Promise<ProbeResult> {
    this.backend = expectedBackend();
    const reason = this.backend.reasons.join('; ') || undefined;
    if (!this.backend.name) return { available: false, reason };
    const devices = this.backend.name === 'tfjs-node-gpu' ? ['cpu', 'cuda:0'] : ['cpu'];
    return { available: true, backend: this.backend.name, devices, reason };
  }

  protected async openWorker(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel> {
    this.context.logger.debug('loading TF.js model', { path: artifact.path, format: artifact.format });
    return WorkerModel.open(this.spawn, { format: artifact.format, path: artifact.path }, options.maxBatchSize ?? DEFAULT_MAX_BATCH, loadTimeoutMs);
  }

  protected checkArtifact(artifact: ModelArtifact): EngineErrorInfo | undefined {
    if (!this.formats.includes(artifact.format as never)) {
      return { code: 'UNSUPPORTED_FORMAT', message: `the tensorflow engine does not read "${artifact.format}"` };
    }
    if (artifact.format === 'savedmodel' && this.backend.name === 'wasm') {
      return { code: 'UNSUPPORTED_FORMAT', message: `SavedModel needs the tfjs-node or tfjs-node-gpu backend; this host runs wasm (${this.backend.reasons.join('; ')})` };
    }
    try {
      if (!statSync(artifact.path).isDirectory()) return { code: 'MODEL_UNREADABLE', message: 'a TensorFlow model must be an unpacked directory' };
    } catch {
      return { code: 'MODEL_UNREADABLE', message: 'the model directory does not exist' };
    }
    return undefined;
  }
}

export const createEngine: EngineFactory = (context) => new TensorflowEngine(context);
