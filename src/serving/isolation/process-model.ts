import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecuteResult, LoadedModel, LoadOptions, ModelArtifact, ModelSignature, NamedTensors } from '../../../engines/sdk/index.js';
import { EngineError } from '../../../engines/sdk/index.js';
import { ENGINE_CRASHED_BEFORE_START } from './crash-codes.js';
import type { HostLoadPayload, HostMessage, HostRequest } from './instance-host.js';

export interface ProcessModelOptions {
  /** The engine plugin's entry file and config slice, loaded again inside the child. */
  entry: string;
  engineConfig: Record<string, unknown>;
  artifact: ModelArtifact;
  loadOptions: LoadOptions;
  /** Restart the child when its resident memory exceeds this (0 = no limit). */
  maxMemoryBytes: number;
  /** Called when the child died unasked (signal, abort, out of memory, memory limit). */
  onCrash(reason: string): void;
  /** First wait before respawning after a crash; doubles per crash up to restartBackoffMaxMs. */
  restartBackoffMs?: number;
  restartBackoffMaxMs?: number;
  loadTimeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The child said the engine call began (execute calls only). */
  started: boolean;
}


/** The child's script beside this module: compiled .js, or .ts run through tsx (tests from source). */
function hostScript(): { path: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { path: fileURLToPath(new URL('./instance-host.ts', here)), execArgv: ['--import', 'tsx'] };
  return { path: fileURLToPath(new URL('./instance-host.js', here)), execArgv: [] };
}

const DEFAULT_LOAD_TIMEOUT_MS = 120_000;

/**
 * A LoadedModel whose engine runs in a child process of its own (isolation "process"). Tensors
 * cross over IPC with the structured-clone serialisation (typed arrays are copied, not turned
 * into JSON). If the child dies, every request of the batch it was running gets ENGINE_CRASHED
 * (ENGINE_CRASHED_BEFORE_START when the child had not yet said the engine call started, which the
 * runtime may retry on another instance), the crash is reported, and the child is respawned after an exponential backoff; requests that
 * arrive meanwhile wait for it. The host watches the child's reported RSS against maxMemoryMb.
 */
export class ProcessModel implements LoadedModel {
  signature!: ModelSignature;
  maxBatchSize = 0;
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private rss = 0;
  private disposed = false;
  private consecutiveCrashes = 0;
  /** Settles when a respawn after a crash has loaded the model again. */
  private respawning: Promise<void> | undefined;
  private respawnTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: ProcessModelOptions) {}

  static async open(options: ProcessModelOptions): Promise<ProcessModel> {
    const model = new ProcessModel(options);
    await model.spawn();
    return model;
  }

  /** The child's resident set, as it last reported it. */
  residentBytes(): number {
    return this.rss;
  }

  /** False while the child is dead and being respawned: a batch given to it now waits for the respawn. */
  get available(): boolean {
    return this.child !== undefined && this.respawning === undefined && !this.disposed;
  }

  /** The child's process id (undefined while it is being respawned). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    if (this.disposed) return requests.map(() => ({ ok: false, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } }));
    try {
      if (this.respawning) await this.respawning;
      const results = await this.call<ExecuteResult[]>({ id: 0, method: 'execute', payload: requests });
      this.consecutiveCrashes = 0;
      return results;
    } catch (error) {
      const notStarted = error instanceof NotStarted;
      const code = notStarted ? ENGINE_CRASHED_BEFORE_START : error instanceof EngineError ? error.code : 'ENGINE_CRASHED';
      const message = error instanceof Error ? error.message : String(error);
      return requests.map(() => ({ ok: false, error: { code, message } }));
    }
  }

  /** Kills a child stuck in a call and loads a fresh one (the hung-engine watchdog calls this). */
  async restart(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.failAll(new EngineError('ENGINE_TIMEOUT', 'the instance process was restarted'));
    child?.kill('SIGKILL');
    await this.spawn();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    try {
      child.send({ id: this.nextId++, method: 'dispose' } satisfies HostRequest);
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(kill);
    this.failAll(new EngineError('MODEL_DISPOSED', 'the model was unloaded'));
  }

  private async spawn(): Promise<void> {
    this.loading = true;
    const script = hostScript();
    const child = fork(script.path, [], { execArgv: script.execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (message: HostMessage) => this.onMessage(message));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    const payload: HostLoadPayload = { entry: this.options.entry, engineConfig: this.options.engineConfig, artifact: this.options.artifact, options: this.options.loadOptions };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EngineError('TIMEOUT', 'the instance process did not load the model in time')), this.options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS);
    });
    try {
      const loaded = await Promise.race([this.call<{ signature: ModelSignature; maxBatchSize: number; rss: number }>({ id: 0, method: 'load', payload }), timeout]);
      this.signature = loaded.signature;
      this.maxBatchSize = loaded.maxBatchSize;
      this.rss = loaded.rss;
    } catch (error) {
      if (this.child === child) this.child = undefined;
      child.kill('SIGKILL');
      throw error;
    } finally {
      this.loading = false;
      clearTimeout(timer);
    }
  }

  private call<T>(request: HostRequest): Promise<T> {
    const child = this.child;
    if (!child) return Promise.reject(new NotStarted('the instance process is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, started: false });
      child.send({ ...request, id }, (error) => {
        if (error && this.pending.delete(id)) reject(new NotStarted(`the instance process is gone: ${error.message}`));
      });
    });
  }

  private onMessage(message: HostMessage): void {
    if ('type' in message && message.type === 'started') {
      const entry = this.pending.get(message.id);
      if (entry) entry.started = true;
      return;
    }
    if ('type' in message) {
      this.rss = message.bytes;
      const limit = this.options.maxMemoryBytes;
      // Checked once the model is loaded: a load may peak briefly, serving must stay under the limit.
      if (limit > 0 && message.bytes > limit && this.child && !this.loading) {
        this.crashReason = `resident memory ${(message.bytes / 1048576).toFixed(0)} MB exceeded maxMemoryMb ${(limit / 1048576).toFixed(0)}`;
        this.child.kill('SIGKILL');
      }
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new EngineError(message.error.code, message.error.message));
  }

  private crashReason: string | undefined;
  /** A load is in progress: a death now fails that load (spawn's caller handles it), it is not a crash. */
  private loading = false;

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const reason = this.crashReason ?? (signal ? `the instance process was killed by ${signal}` : `the instance process exited with code ${code}`);
    this.crashReason = undefined;
    this.failAll(new EngineError('ENGINE_CRASHED', reason), new NotStarted(reason));
    if (this.disposed || this.loading) return;
    this.options.onCrash(reason);
    this.scheduleRespawn();
  }

  private scheduleRespawn(): void {
    const base = this.options.restartBackoffMs ?? 100;
    const delay = Math.min(this.options.restartBackoffMaxMs ?? 30_000, base * 2 ** this.consecutiveCrashes);
    this.consecutiveCrashes++;
    this.respawning = new Promise<void>((resolve) => {
      this.respawnTimer = setTimeout(() => {
        this.respawnTimer = undefined;
        if (this.disposed) return resolve();
        this.spawn().then(
          () => {
            this.respawning = undefined;
            resolve();
          },
          (error: unknown) => {
            // The reload failed: count it like a crash and back off further.
            this.options.onCrash(`respawn failed: ${error instanceof Error ? error.message : String(error)}`);
            this.scheduleRespawn();
            void this.respawning?.then(resolve);
          },
        );
      }, delay);
    });
  }

  /** Rejects every call in flight: with `beforeStart` (when given) those whose engine call had not begun. */
  private failAll(error: Error, beforeStart: Error = error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(entry.started ? error : beforeStart);
  }
}

/** The child died, or was not running, before the engine call of a batch began. */
class NotStarted extends EngineError {
  constructor(reason: string) {
    super('ENGINE_CRASHED', reason);
  }
}
