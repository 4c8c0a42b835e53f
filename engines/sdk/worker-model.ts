/**
 * Running a model in a worker thread, for runtimes whose inference would otherwise block the
 * host's event loop. The engine supplies a worker script that calls serveWorker() with three
 * handlers (load, run, dispose); WorkerModel is the host-side LoadedModel around it.
 * Node built-ins only, so the contract folder stays dependency-free.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, parentPort } from 'node:worker_threads';
import { batchCapacity, executeBatched } from './batching.js';
import { EngineError, type ExecuteResult, type LoadedModel, type ModelSignature, type NamedTensors } from './index.js';

export type WorkerSpawner = () => Worker;

/**
 * The buffers of a message's tensors that can be moved to the other thread instead of copied:
 * typed arrays that own their whole ArrayBuffer (a view into a larger or shared buffer, such as
 * Node's Buffer pool, is copied as usual). After the move the sender's arrays are empty.
 */
export function transferListOf(tensors: NamedTensors | undefined): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors ?? {})) {
    const data = tensor?.data;
    if (!data || Array.isArray(data) || !(data.buffer instanceof ArrayBuffer)) continue;
    if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) buffers.add(data.buffer);
  }
  return [...buffers];
}

/**
 * Spawns `<baseName>.js` beside the calling module when it runs compiled, or `<baseName>.ts`
 * through tsx's loader when it runs from TypeScript source (tests): Node 20 ignores
 * `--import tsx` in a worker's execArgv, so a tiny bootstrap registers tsx inside the worker.
 */
export function workerSpawner(moduleUrl: string, baseName: string, workerData?: unknown): WorkerSpawner {
  if (!moduleUrl.endsWith('.ts')) {
    const script = new URL(`./${baseName}.js`, moduleUrl);
    return () => new Worker(script, { workerData });
  }
  const script = new URL(`./${baseName}.ts`, moduleUrl).href;
  const tsxApi = pathToFileURL(createRequire(fileURLToPath(moduleUrl)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return () => new Worker(bootstrap, { eval: true, workerData });
}

interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/** Request/response calls to one worker; a crash or exit fails every pending call, never the host. */
export class WorkerChannel {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(private readonly spawn: WorkerSpawner) {}

  get alive(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Calls a worker method. With `timeoutMs`, a call that does not answer in time kills the worker
   * (a hostile model can hang a runtime) and rejects with TIMEOUT.
   */
  call<T>(method: string, payload?: unknown, timeoutMs?: number, transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, payload }, transfer);
    });
    if (timeoutMs === undefined) return answer;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new EngineError('TIMEOUT', `${method} did not finish within ${timeoutMs} ms`));
        this.crashed(worker, `worker call "${method}" timed out`);
        void worker.terminate();
      }, timeoutMs);
    });
    return Promise.race([answer, expired]).finally(() => clearTimeout(timer));
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new EngineError('MODEL_DISPOSED', 'the model was unloaded'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = this.spawn();
    this.worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(new EngineError(reply.error?.code ?? 'EXECUTION_FAILED', reply.error?.message ?? 'worker call failed'));
    });
    worker.on('error', (error) => this.crashed(worker, `engine worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.crashed(worker, `engine worker exited with code ${code}`));
    return worker;
  }

  private crashed(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new EngineError('ENGINE_CRASHED', message));
  }

  private failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }
}

/** What a worker's load handler returns. */
export interface WorkerLoadResult {
  signature: ModelSignature;
}

export interface WorkerModelOptions {
  /** Gives up on a load (the first one and every reload) that takes longer. */
  loadTimeoutMs?: number;
  /** First wait after a failed reload before the next attempt; doubles up to reloadBackoffMaxMs. */
  reloadBackoffMs?: number;
  reloadBackoffMaxMs?: number;
  /** The clock the backoff is measured on (tests move it by hand). */
  now?: () => number;
}

/**
 * A LoadedModel whose runtime lives in a worker. If the worker dies, the failing requests get
 * ENGINE_CRASHED and the next execute() starts a fresh worker and loads the model again. A reload
 * that fails is retried with exponential backoff (requests in between get ENGINE_UNAVAILABLE at
 * once), so a passing fault does not disable the instance forever. `restart` terminates a worker
 * stuck in a call and loads a fresh one.
 */
export class WorkerModel implements LoadedModel {
  private loading: Promise<void> | undefined;
  private loadFailed = false;
  private backoffMs = 0;
  private retryAt = 0;
  private lastLoadError = '';
  /** Bumped by restart(): calls that began before it never reach the new worker. */
  private generation = 0;
  private disposed = false;
  private readonly disposeListeners: (() => void)[] = [];
  private readonly now: () => number;

  private constructor(
    private readonly channel: WorkerChannel,
    private readonly loadPayload: unknown,
    readonly signature: ModelSignature,
    readonly maxBatchSize: number,
    private readonly options: WorkerModelOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async open(spawn: WorkerSpawner, loadPayload: unknown, requestedBatch: number, loadTimeoutMsOrOptions?: number | WorkerModelOptions): Promise<WorkerModel> {
    const options = typeof loadTimeoutMsOrOptions === 'number' ? { loadTimeoutMs: loadTimeoutMsOrOptions } : (loadTimeoutMsOrOptions ?? {});
    const channel = new WorkerChannel(spawn);
    try {
      const { signature } = await channel.call<WorkerLoadResult>('load', loadPayload, options.loadTimeoutMs);
      return new WorkerModel(channel, loadPayload, signature, batchCapacity(signature, requestedBatch), options);
    } catch (error) {
      await channel.terminate();
      throw error;
    }
  }

  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    if (this.disposed) {
      return requests.map(() => ({ ok: false, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } }));
    }
    const generation = this.generation;
    return executeBatched(requests, {
      signature: this.signature,
      capacity: this.maxBatchSize,
      run: async (inputs) => {
        if (generation !== this.generation) throw new EngineError('ENGINE_RESTARTED', 'the engine was restarted while this call waited');
        await this.ensureLoaded();
        // The inputs are this call's own (the host never reuses them), so they move instead of being copied.
        return this.channel.call<NamedTensors>('run', { inputs }, undefined, transferListOf(inputs));
      },
    });
  }

  /** Runs inputs exactly as given (no batching); used by validate() for the dummy run. */
  async runOnce(inputs: NamedTensors, timeoutMs?: number): Promise<NamedTensors> {
    return this.channel.call<NamedTensors>('run', { inputs }, timeoutMs);
  }

  /** Terminates the worker (its pending calls fail) and loads the model in a fresh one. */
  async restart(): Promise<void> {
    if (this.disposed) return;
    this.generation++;
    await this.channel.terminate();
    this.loading = undefined;
    this.loadFailed = false;
    await this.ensureLoaded().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.generation++;
    await this.channel.terminate();
    for (const listener of this.disposeListeners.splice(0)) listener();
  }

  /** Lets an engine forget the model once the host disposes it. */
  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  private ensureLoaded(): Promise<void> {
    if (this.channel.alive && !this.loadFailed) return this.loading ?? Promise.resolve();
    const waitMs = this.retryAt - this.now();
    if (this.loadFailed && waitMs > 0) {
      return Promise.reject(new EngineError('ENGINE_UNAVAILABLE', `the model failed to reload (${this.lastLoadError}); next attempt in ${waitMs} ms`));
    }
    this.loading = this.reload();
    return this.loading;
  }

  private async reload(): Promise<void> {
    try {
      if (this.channel.alive) await this.channel.terminate();
      await this.channel.call<WorkerLoadResult>('load', this.loadPayload, this.options.loadTimeoutMs);
      this.loadFailed = false;
      this.backoffMs = 0;
    } catch (error) {
      this.loadFailed = true;
      this.lastLoadError = error instanceof Error ? error.message : String(error);
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.options.reloadBackoffMs ?? 100), this.options.reloadBackoffMaxMs ?? 30_000);
      this.retryAt = this.now() + this.backoffMs;
      await this.channel.terminate();
      throw error;
    }
  }
}

export interface WorkerHandlers {
  load(payload: any): Promise<WorkerLoadResult>;
  run(payload: { inputs: NamedTensors }): Promise<NamedTensors>;
  [method: string]: (payload: any) => Promise<unknown>;
}

/** Worker side: answers WorkerChannel calls one at a time with the engine's handlers. */
export function serveWorker(handlers: WorkerHandlers): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker() must run inside a worker thread');
  let queue = Promise.resolve();
  port.on('message', ({ id, method, payload }: { id: number; method: string; payload: unknown }) => {
    queue = queue.then(async () => {
      try {
        const handler = handlers[method];
        if (!handler) throw new EngineError('UNKNOWN_METHOD', `worker has no method ${method}`);
        const result = await handler(payload);
        // Output tensors move to the host instead of being copied.
        port.postMessage({ id, ok: true, result }, method === 'run' ? transferListOf(result as NamedTensors) : []);
      } catch (error) {
        const code = error instanceof EngineError ? error.code : 'EXECUTION_FAILED';
        port.postMessage({ id, ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } });
      }
    });
  });
}
