/** The naive server scenario: Fastify + sharp + one onnxruntime-node session, as a user would write it (bench/naive-server.ts). */
import { join } from 'node:path';
import type { LoadResult } from '../load.js';
import { BuiltModel } from '../models/mobilenetv2.js';
import { freePort, startNodeServer } from '../processes.js';
import { ModelResults } from '../report.js';

import { Context, log } from '../bench-context.js';
import { loadSeries, probeClientLatency } from './http-load.js';

export async function runNaive(context: Context, model: BuiltModel, entry: ModelResults): Promise<LoadResult[]> {
  const port = await freePort();
  const server = await startNodeServer(join(context.root, 'dist', 'bench', 'naive-server.js'), [], {
    NAIVE_MODEL_PATH: model.path,
    NAIVE_SIZE: String(model.size),
    NAIVE_CLASSES: String(model.classes),
    NAIVE_INPUT: model.inputName,
    NAIVE_OUTPUT: model.outputName,
    ORT_INTRA_OP_THREADS: String(context.threads.intraOpNumThreads),
    ORT_INTER_OP_THREADS: String(context.threads.interOpNumThreads),
  }, port, '/health');
  try {
    log(`naive server, ${model.name}`);
    entry.naiveClientMsP50 = await probeClientLatency(context, `${server.url}/predict`, {});
    return await loadSeries(context, `${server.url}/predict`, {});
  } finally {
    await server.stop();
  }
}
