import type { LoadedModel, NamedTensors } from '../../engines/sdk/index.js';

/** Latency of one engine call at a batch size, measured at deploy on this host. */
export interface BatchProfilePoint {
  batchSize: number;
  ms: number;
  msPerItem: number;
}

export interface BatchProfile {
  points: BatchProfilePoint[];
  /** Largest batch size worth sending: its per-item time beats a single item's by the margin. */
  maxBatchSize: number;
  /** Sizes whose per-item time beats every smaller size's: the dispatcher sends these at once. */
  preferredBatchSizes: number[];
}

/** Batching must save at least this share of per-item time to be worth its queueing delay. */
const REQUIRED_GAIN = 0.1;

/**
 * Calls per batch size; the fastest counts. One call can be slowed by anything else the host is
 * doing (a GC, another model's deploy, a decode), and a slow single-item call would make batching
 * look better than it is; the fastest of a few is what the engine can do.
 */
export const CALLS_PER_SIZE = 2;

/**
 * Times CALLS_PER_SIZE calls per candidate batch size (1, 2, 4, 8, … up to `limit`) on dummy rows,
 * keeping the fastest, and keeps the sizes that make each item cheaper. Stops at the first size
 * that does not improve on the best so far, so a model that gains nothing from batching is measured
 * at two sizes only. `clock` is a monotonic millisecond clock.
 */
export async function profileBatchSizes(model: LoadedModel, makeRow: () => NamedTensors, limit: number, clock: () => number): Promise<BatchProfile> {
  const points: BatchProfilePoint[] = [];
  let bestPerItem = Number.POSITIVE_INFINITY;
  for (let size = 1; size <= Math.max(1, limit); size *= 2) {
    const ms = await fastestCall(model, makeRow, size, clock);
    if (ms === undefined) break;
    const point = { batchSize: size, ms: round(ms), msPerItem: round(ms / size) };
    points.push(point);
    if (size > 1 && point.msPerItem > bestPerItem * (1 - REQUIRED_GAIN)) break;
    bestPerItem = Math.min(bestPerItem, point.msPerItem);
  }
  return choose(points);
}

/** The fastest of CALLS_PER_SIZE calls at one batch size, in ms; undefined when a call fails. */
async function fastestCall(model: LoadedModel, makeRow: () => NamedTensors, size: number, clock: () => number): Promise<number | undefined> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let call = 0; call < CALLS_PER_SIZE; call += 1) {
    const started = clock();
    // Fresh rows each time: an engine may take ownership of (transfer) the buffers it is given.
    const results = await model.execute(Array.from({ length: size }, makeRow));
    if (results.some((result) => !result.ok)) return undefined;
    fastest = Math.min(fastest, clock() - started);
  }
  return fastest;
}

/** Picks the sizes from measured points (exported for tests). */
export function choose(points: BatchProfilePoint[]): BatchProfile {
  const single = points.find((point) => point.batchSize === 1);
  if (!single) return { points, maxBatchSize: 1, preferredBatchSizes: [] };
  const preferred: number[] = [];
  let bestPerItem = single.msPerItem;
  for (const point of points) {
    if (point.batchSize === 1) continue;
    if (point.msPerItem <= bestPerItem * (1 - REQUIRED_GAIN)) {
      preferred.push(point.batchSize);
      bestPerItem = point.msPerItem;
    }
  }
  return { points, maxBatchSize: preferred.at(-1) ?? 1, preferredBatchSizes: preferred };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
