/**
 * What every benchmark scenario shares: the plan, the run context, the deploy settings and the log.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchImage } from './images.js';
import { ThreadSettings } from './limit.js';
import { BuiltModel } from './models/mobilenetv2.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './preprocess.js';

export type ModelName = 'mobilenetv2' | 'tiny32' | 'ppocr-det';
export const MODEL_NAMES: readonly ModelName[] = ['tiny32', 'mobilenetv2', 'ppocr-det'];

export interface Plan {
  mode: 'full' | 'smoke';
  models: ModelName[];
  /** Interleaved rounds of limit → naive → platform; the summary reports medians and spread over them. */
  rounds: number;
  imageSizes: 'realistic' | 'small';
  concurrencies: number[];
  loadSeconds: number;
  warmupSeconds: number;
  limitMs: number;
  limitBatchSizes: number[];
  limitLoops: number[];
  overloadSeconds: number;
  /** Upper bound on the open-loop generator's sockets (bench/open-loop.ts); the scenario sizes them by Little's law below this. */
  overloadConnections: number;
  /** Models run at 3× capacity (the last round only). */
  overloadModels: ModelName[];
  overloadModel: ModelName;
  deployCycles: number;
  healthConnections: number;
}

/** Batching on = the server's defaults (maxBatchSize 8, maxQueueDelayMs 0), capped by the batch profile taken at deploy. */
export const BATCHED = { queue: { maxSize: 100, timeoutMs: 10_000 } };
export const UNBATCHED = { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { maxSize: 100, timeoutMs: 10_000 } };
export const ADMIN = { username: 'bench-admin', password: `bench-${randomBytes(12).toString('hex')}` };

export function projectRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) || !existsSync(join(directory, 'bench'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the project root');
    directory = parent;
  }
  return directory;
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function modelConfig(model: BuiltModel): Record<string, unknown> {
  const preprocess = { resize: 'stretch', mean: IMAGENET_MEAN, std: IMAGENET_STD };
  // A dense model's answer is its raw map (JSON numbers, the format every client can read).
  if (model.classes === 0) return { task: 'raw', preprocess: { ...preprocess, width: model.size, height: model.size } };
  return { task: 'classification', preprocess, postprocess: { topK: 5 } };
}

export interface Context {
  root: string;
  work: string;
  loadScript: string;
  images: BenchImage[];
  boundary: string;
  bodyFiles: string[];
  threads: ThreadSettings;
  plan: Plan;
}
