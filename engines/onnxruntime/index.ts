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

const DEFAULT_MAX_BATCH = 32;

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

class OnnxRuntimeEngine extends WorkerBackedEngine implements Engine {
  readonly name = 'onnxruntime';
  readonly version = versionOf();
  readonly apiVersion = ENGINE_API_VERSION;
  readonly formats = ['onnx'] as const;
  private cuda: CudaSupport = { available: false, reason: 'not probed yet' };
  private readonly spawn = workerSpawner(import.meta.url, 'worker');

  constructor(context: EngineContext) {
    super(context);
  }

  async probe(): Promise<ProbeResult> {
    if (!packageDir()) return { available: false, reason: 'onnxruntime-node is not installed' };
    this.cuda = detectCuda();
    return this.cuda.available
      ? { available: true, backend: 'cuda', devices: ['cpu', 'cuda:0'] }
      : { available: true, backend: 'cpu', devices: ['cpu'], reason: this.cuda.reason };
  }

  protected checkArtifact(artifact: ModelArtifact): EngineErrorInfo | undefined {
    const unreadable = checkFile(artifact.path);
    return unreadable ? { code: 'MODEL_UNREADABLE', message: unreadable } : undefined;
  }

  protected async openWorker(artifact: ModelArtifact, options: LoadOptions, loadTimeoutMs?: number): Promise<WorkerModel> {
    const wantsCuda = this.cuda.available && (options.device === undefined || options.device.startsWith('cuda'));
    const payload = {
      path: artifact.path,
      intraOpThreads: Math.max(1, options.intraOpThreads ?? 1),
      interOpThreads: Math.max(1, options.interOpThreads ?? 1),
      executionProviders: wantsCuda ? ['cuda', 'cpu'] : ['cpu'],
    };
    this.context.logger.debug('loading ONNX model', { path: artifact.path, providers: payload.executionProviders });
    return WorkerModel.open(this.spawn, payload, options.maxBatchSize ?? DEFAULT_MAX_BATCH, loadTimeoutMs);
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

export const createEngine: EngineFactory = (context) => new OnnxRuntimeEngine(context);
