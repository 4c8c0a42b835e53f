/**
 * The part of an engine that is the same whenever each loaded model lives in its own worker
 * thread: validate() as load → dummy run → dispose with a timeout, load(), and stopping every
 * live worker at shutdown. An engine supplies how to check an artifact and how to open a worker.
 */
import type { EngineContext, EngineErrorInfo, LoadOptions, LoadedModel, ModelArtifact, ValidationResult } from './index.js';
import { EngineError } from './index.js';
import { tryDummyRun } from './batching.js';
import type { WorkerModel } from './worker-model.js';

/** validate() gives up on a model whose load or test run hangs (a hostile file can do that). */
const DEFAULT_VALIDATE_TIMEOUT_MS = 120_000;

export function describeEngineError(error: unknown, fallbackCode: string): EngineErrorInfo {
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  return { code: fallbackCode, message: error instanceof Error ? error.message : String(error) };
}

export abstract class WorkerBackedEngine {
  /** Models still loaded, so shutdown() can stop their workers. */
  private readonly live = new Set<WorkerModel>();
  protected readonly validateTimeoutMs: number;

  constructor(protected readonly context: EngineContext) {
    const configured = Number(context.config.validateTimeoutMs);
    this.validateTimeoutMs = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_VALIDATE_TIMEOUT_MS;
  }

  /** A problem with the artifact that makes loading pointless (wrong format, missing file), or undefined. */
  protected abstract checkArtifact(artifact: ModelArtifact): EngineErrorInfo | undefined;

  /** Starts a worker and loads the model in it. */
  protected abstract openWorker(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel>;

  /** Load options for the throw-away instance validate() creates; one thread keeps validation from starving serving. */
  protected validationLoadOptions(): LoadOptions {
    return { intraOpThreads: 1, interOpThreads: 1 };
  }

  async validate(artifact: ModelArtifact): Promise<ValidationResult> {
    const warnings: string[] = [];
    const problem = this.checkArtifact(artifact);
    if (problem) return { ok: false, error: problem, warnings };
    let model: WorkerModel;
    try {
      model = await this.open(artifact, this.validationLoadOptions(), this.validateTimeoutMs);
    } catch (error) {
      return { ok: false, error: describeEngineError(error, 'MODEL_UNREADABLE'), warnings };
    }
    try {
      if (model.maxBatchSize <= 1) warnings.push('the model has no dynamic batch dimension: requests run one at a time');
      const failure = await tryDummyRun(model.signature, (inputs) => model.runOnce(inputs, this.validateTimeoutMs));
      if (failure) return { ok: false, error: { code: 'DUMMY_RUN_FAILED', message: `a test run on zero inputs failed: ${failure.message}` }, warnings };
      return { ok: true, signature: model.signature, warnings };
    } finally {
      await model.dispose();
    }
  }

  async load(artifact: ModelArtifact, options: LoadOptions): Promise<LoadedModel> {
    const problem = this.checkArtifact(artifact);
    if (problem) throw new EngineError(problem.code, problem.message);
    return this.open(artifact, options);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.live].map((model) => model.dispose()));
  }

  private async open(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel> {
    const model = await this.openWorker(artifact, options, loadTimeoutMs);
    this.live.add(model);
    model.onDispose(() => this.live.delete(model));
    return model;
  }
}
