/**
 * TensorFlow.js engine. Formats: `tfjs` (a directory with model.json and weight shards, layers
 * or graph model) on any backend, and `savedmodel` on the tfjs-node backends only. Every loaded
 * model gets its own worker thread (see docs/engines.md for why).
 */
import { statSync } from 'node:fs';
import {
  ENGINE_API_VERSION,
  EngineError,
  WorkerModel,
  tryDummyRun,
  workerSpawner,
  type Engine,
  type EngineContext,
  type EngineFactory,
  type LoadOptions,
  type LoadedModel,
  type ModelArtifact,
  type ProbeResult,
  type ValidationResult,
} from '../sdk/index.js';
import { expectedBackend, packageVersion } from './backend.js';

const DEFAULT_MAX_BATCH = 32;
/** validate() gives up on a model whose load or test run hangs (a hostile file can do that). */
const VALIDATE_TIMEOUT_MS = 120_000;

class TensorflowEngine implements Engine {
  readonly name = 'tensorflow';
  readonly version = packageVersion('@tensorflow/tfjs') ?? 'unknown';
  readonly apiVersion = ENGINE_API_VERSION;
  readonly formats = ['tfjs', 'savedmodel'] as const;
  private readonly spawn = workerSpawner(import.meta.url, 'worker');
  /** Models still loaded, so shutdown() can stop their workers. */
  private readonly live = new Set<WorkerModel>();
  private backend = expectedBackend();

  private readonly validateTimeoutMs: number;

  constructor(private readonly context: EngineContext) {
    const configured = Number(context.config.validateTimeoutMs);
    this.validateTimeoutMs = Number.isFinite(configured) && configured > 0 ? configured : VALIDATE_TIMEOUT_MS;
  }

  async probe(): Promise<ProbeResult> {
    this.backend = expectedBackend();
    const reason = this.backend.reasons.join('; ') || undefined;
    if (!this.backend.name) return { available: false, reason };
    const devices = this.backend.name === 'tfjs-node-gpu' ? ['cpu', 'cuda:0'] : ['cpu'];
    return { available: true, backend: this.backend.name, devices, reason };
  }

  async validate(artifact: ModelArtifact): Promise<ValidationResult> {
    const warnings: string[] = [];
    const problem = this.checkArtifact(artifact);
    if (problem) return { ok: false, error: problem, warnings };
    let model: WorkerModel | undefined;
    try {
      model = await this.open(artifact, {}, this.validateTimeoutMs);
    } catch (error) {
      return { ok: false, error: describe(error, 'MODEL_UNREADABLE'), warnings };
    }
    try {
      if (model.maxBatchSize <= 1) warnings.push('the model has no dynamic batch dimension: requests run one at a time');
      const failure = await tryDummyRun(model.signature, (inputs) => model!.runOnce(inputs, this.validateTimeoutMs));
      if (failure) return { ok: false, error: { code: 'DUMMY_RUN_FAILED', message: `a test run on zero inputs failed: ${failure.message}` }, warnings };
      return { ok: true, signature: model.signature, warnings };
    } finally {
      await model.dispose();
    }
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.live].map((model) => model.dispose()));
  }

  private track(model: WorkerModel): void {
    this.live.add(model);
    model.onDispose(() => this.live.delete(model));
  }

  async load(artifact: ModelArtifact, options: LoadOptions): Promise<LoadedModel> {
    const problem = this.checkArtifact(artifact);
    if (problem) throw new EngineError(problem.code, problem.message);
    return this.open(artifact, options);
  }

  private async open(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel> {
    this.context.logger.debug('loading TF.js model', { path: artifact.path, format: artifact.format });
    const model = await WorkerModel.open(this.spawn, { format: artifact.format, path: artifact.path }, options.maxBatchSize ?? DEFAULT_MAX_BATCH, loadTimeoutMs);
    this.track(model);
    return model;
  }

  private checkArtifact(artifact: ModelArtifact): { code: string; message: string } | undefined {
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

function describe(error: unknown, fallback: string): { code: string; message: string } {
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

export const createEngine: EngineFactory = (context) => new TensorflowEngine(context);
