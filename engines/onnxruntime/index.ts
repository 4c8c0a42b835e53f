/**
 * ONNX Runtime engine (onnxruntime-node). Each loaded model runs in its own worker thread:
 * onnxruntime-node 1.30's session.run() only defers the native call with setImmediate and then
 * runs it synchronously on the calling thread, which would stall the host's event loop.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

const DEFAULT_MAX_BATCH = 32;
/** validate() gives up on a model whose load or test run hangs (a hostile file can do that). */
const VALIDATE_TIMEOUT_MS = 120_000;

interface CudaSupport {
  available: boolean;
  reason?: string;
}

function packageDir(): string | undefined {
  try {
    return dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
  } catch {
    return undefined;
  }
}

/** The CUDA EP needs its provider library (downloaded by the package's postinstall) and an NVIDIA driver. */
function detectCuda(): CudaSupport {
  const root = packageDir();
  const binDir = root ? join(root, 'bin') : undefined;
  const hasProvider =
    binDir !== undefined &&
    existsSync(binDir) &&
    readdirSync(binDir, { recursive: true }).some((file) => String(file).endsWith('libonnxruntime_providers_cuda.so'));
  if (!hasProvider) {
    return { available: false, reason: 'CUDA EP not installed: onnxruntime-node-install=skip in .npmrc skips the CUDA provider download; CPU EP in use' };
  }
  if (!existsSync('/proc/driver/nvidia/version')) return { available: false, reason: 'CUDA EP installed but no NVIDIA driver/GPU found; CPU EP in use' };
  return { available: true };
}

function versionOf(): string {
  try {
    const root = packageDir();
    const pkg = createRequire(import.meta.url)(join(root ?? '', 'package.json')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

class OnnxRuntimeEngine implements Engine {
  readonly name = 'onnxruntime';
  readonly version = versionOf();
  readonly apiVersion = ENGINE_API_VERSION;
  readonly formats = ['onnx'] as const;
  private cuda: CudaSupport = { available: false, reason: 'not probed yet' };
  private readonly spawn = workerSpawner(import.meta.url, 'worker');
  /** Models still loaded, so shutdown() can stop their workers. */
  private readonly live = new Set<WorkerModel>();

  private readonly validateTimeoutMs: number;

  constructor(private readonly context: EngineContext) {
    const configured = Number(context.config.validateTimeoutMs);
    this.validateTimeoutMs = Number.isFinite(configured) && configured > 0 ? configured : VALIDATE_TIMEOUT_MS;
  }

  async probe(): Promise<ProbeResult> {
    if (!packageDir()) return { available: false, reason: 'onnxruntime-node is not installed' };
    this.cuda = detectCuda();
    return this.cuda.available
      ? { available: true, backend: 'cuda', devices: ['cpu', 'cuda:0'] }
      : { available: true, backend: 'cpu', devices: ['cpu'], reason: this.cuda.reason };
  }

  async validate(artifact: ModelArtifact): Promise<ValidationResult> {
    const warnings: string[] = [];
    const unreadable = checkFile(artifact.path);
    if (unreadable) return { ok: false, error: { code: 'MODEL_UNREADABLE', message: unreadable }, warnings };
    let model: WorkerModel | undefined;
    try {
      model = await this.open(artifact, { intraOpThreads: 1, interOpThreads: 1 }, this.validateTimeoutMs);
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
    const unreadable = checkFile(artifact.path);
    if (unreadable) throw new EngineError('MODEL_UNREADABLE', unreadable);
    return this.open(artifact, options);
  }

  private async open(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel> {
    const wantsCuda = this.cuda.available && (options.device === undefined || options.device.startsWith('cuda'));
    const payload = {
      path: artifact.path,
      intraOpThreads: Math.max(1, options.intraOpThreads ?? 1),
      interOpThreads: Math.max(1, options.interOpThreads ?? 1),
      executionProviders: wantsCuda ? ['cuda', 'cpu'] : ['cpu'],
    };
    this.context.logger.debug('loading ONNX model', { path: artifact.path, providers: payload.executionProviders });
    const model = await WorkerModel.open(this.spawn, payload, options.maxBatchSize ?? DEFAULT_MAX_BATCH, loadTimeoutMs);
    this.track(model);
    return model;
  }
}

function checkFile(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return `${path} is not a file`;
    if (stats.size === 0) return 'the model file is empty';
    return undefined;
  } catch {
    return 'the model file does not exist';
  }
}

function describe(error: unknown, fallback: string): { code: string; message: string } {
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

export const createEngine: EngineFactory = (context) => new OnnxRuntimeEngine(context);
