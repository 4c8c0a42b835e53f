import * as ort from 'onnxruntime-node';
import type { BenchImage } from './images.js';
import { decodeToChw, Normalization, topK } from './preprocess.js';
import { summarize, LatencySummary } from './stats.js';

export interface ThreadSettings {
  intraOpNumThreads: number;
  interOpNumThreads: number;
}

export interface LimitRun {
  batchSize: number;
  /** Independent decode→run loops sharing one session (2 lets decoding overlap inference). */
  loops: number;
  imagesPerSecond: number;
  /** Time for one batch through decode + run. */
  batchLatencyMs: LatencySummary;
  /** Medians per batch of the two stages. */
  decodeMsP50: number;
  runMsP50: number;
}

export interface LimitOptions {
  modelPath: string;
  inputName: string;
  outputName: string;
  size: number;
  classes: number;
  norm: Normalization;
  images: BenchImage[];
  threads: ThreadSettings;
  batchSizes: number[];
  loops: number[];
  durationMs: number;
}

/** A dense output's cheapest useful reading (pixels over a threshold), the least any client does with it. */
export function denseSummary(map: Float32Array): number {
  let hot = 0;
  for (let index = 0; index < map.length; index += 1) if (map[index] > 0.3) hot += 1;
  return hot;
}

/**
 * The in-process ceiling: sharp decode + preprocessing + session.run in a tight loop, no HTTP and
 * no queue. Whatever the platform adds shows up as the gap to this number.
 */
export async function measureLimit(options: LimitOptions): Promise<{ runs: LimitRun[]; best: LimitRun }> {
  const session = await ort.InferenceSession.create(options.modelPath, {
    intraOpNumThreads: options.threads.intraOpNumThreads,
    interOpNumThreads: options.threads.interOpNumThreads,
    graphOptimizationLevel: 'all',
  });
  const runs: LimitRun[] = [];
  try {
    for (const batchSize of options.batchSizes) {
      for (const loops of options.loops) {
        await runLoops(session, options, batchSize, loops, Math.min(300, options.durationMs / 4));
        runs.push(await runLoops(session, options, batchSize, loops, options.durationMs));
      }
    }
  } finally {
    await session.release();
  }
  const best = runs.reduce((top, run) => (run.imagesPerSecond > top.imagesPerSecond ? run : top));
  return { runs, best };
}

async function runLoops(session: ort.InferenceSession, options: LimitOptions, batchSize: number, loops: number, durationMs: number): Promise<LimitRun> {
  const plane = 3 * options.size * options.size;
  const latencies: number[] = [];
  const decodeTimes: number[] = [];
  const runTimes: number[] = [];
  let processed = 0;
  let cursor = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    const input = new Float32Array(batchSize * plane);
    while (performance.now() < deadline) {
      const batchStart = performance.now();
      await Promise.all(
        Array.from({ length: batchSize }, (_, slot) => {
          const image = options.images[cursor++ % options.images.length];
          return decodeToChw(image.data, options.size, options.norm, input, slot * plane);
        }),
      );
      const decoded = performance.now();
      decodeTimes.push(decoded - batchStart);
      const tensor = new ort.Tensor('float32', input, [batchSize, 3, options.size, options.size]);
      const output = await session.run({ [options.inputName]: tensor });
      runTimes.push(performance.now() - decoded);
      const logits = output[options.outputName].data as Float32Array;
      if (options.classes > 0) for (let row = 0; row < batchSize; row += 1) topK(logits, row * options.classes, options.classes, 5);
      else denseSummary(logits);
      latencies.push(performance.now() - batchStart);
      processed += batchSize;
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { batchSize, loops, imagesPerSecond: Math.round((processed / elapsedSeconds) * 10) / 10, batchLatencyMs: summarize(latencies), decodeMsP50: summarize(decodeTimes).p50, runMsP50: summarize(runTimes).p50 };
}
