/**
 * The child process of one process-isolated instance: loads the engine plugin by its entry file
 * and one model with it, then answers execute calls over IPC. The engine is the same code that
 * runs in the server; only where it runs differs. A crash here (signal, abort, out of memory)
 * ends this process alone. Reports its resident memory so the server can enforce maxMemoryMb.
 */
import type { Engine, ExecuteResult, LoadedModel, LoadOptions, ModelArtifact, NamedTensors } from '../../../engines/sdk/index.js';
import { importEngineFactory } from '../../engines/engine-loader.js';

export interface HostLoadPayload {
  entry: string;
  engineConfig: Record<string, unknown>;
  artifact: ModelArtifact;
  options: LoadOptions;
}

export type HostRequest = { id: number; method: 'load'; payload: HostLoadPayload } | { id: number; method: 'execute'; payload: NamedTensors[] } | { id: number; method: 'dispose' };

export type HostMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { type: 'rss'; bytes: number }
  /** The engine call of request `id` is about to start: from here a crash is the batch's own. */
  | { type: 'started'; id: number };

const RSS_REPORT_MS = 250;

let engine: Engine | undefined;
let model: LoadedModel | undefined;

function send(message: HostMessage): void {
  process.send?.(message);
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function handle(request: HostRequest): Promise<unknown> {
  if (request.method === 'load') {
    const factory = await importEngineFactory(request.payload.entry);
    engine = await factory({ config: request.payload.engineConfig, logger: quiet });
    model = await engine.load(request.payload.artifact, request.payload.options);
    return { signature: model.signature, maxBatchSize: model.maxBatchSize, rss: process.memoryUsage.rss() };
  }
  if (request.method === 'execute') {
    if (!model) throw Object.assign(new Error('no model loaded'), { code: 'MODEL_NOT_LOADED' });
    send({ type: 'started', id: request.id });
    const results: ExecuteResult[] = await model.execute(request.payload);
    return results;
  }
  await model?.dispose();
  await engine?.shutdown?.();
  model = undefined;
  return null;
}

process.on('message', (request: HostRequest) => {
  handle(request).then(
    (result) => {
      send({ id: request.id, ok: true, result });
      if (request.method === 'dispose') process.exit(0);
    },
    (error: unknown) => send({ id: request.id, ok: false, error: { code: String((error as { code?: unknown })?.code ?? 'ENGINE_ERROR'), message: error instanceof Error ? error.message : String(error) } }),
  );
});
// The server went away: so does this instance.
process.on('disconnect', () => process.exit(0));
setInterval(() => send({ type: 'rss', bytes: process.memoryUsage.rss() }), RSS_REPORT_MS).unref();
