/**
 * `npm run bench:encode`: the event loop's time per response for postprocessing and encoding the
 * body, before (postprocess and JSON.stringify of the whole response on the main thread, as the
 * route did until the encoder threads) and after (ResponseEncoder threads + assembleAnswer), for
 * the three benchmark models' output shapes. Main-thread time is measured as event-loop
 * utilisation (active time of this thread only), with `--concurrency` responses in flight.
 * No HTTP and no model: the outputs are synthetic tensors of the real shapes, so this isolates
 * the stage. Writes bench/results/encode-<stamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { NamedTensors } from '../engines/sdk/index.js';
import { assembleAnswer } from '../src/inference/inference-answer.js';
import type { ResolvedPostprocess } from '../src/models/model-config.js';
import { ResponseEncoder, ResponseEncoderOptions } from '../src/serving/response-encoder.js';
import { binaryBody, encodeBinaryOutputs } from '../src/serving/binary-tensors.js';
import { classify } from '../src/serving/postprocess.js';
import { EncodedItem, EncodingConfig, EncodingOptions, rawOutputs } from '../src/serving/response-encoding.js';

interface Case {
  name: string;
  config: EncodingConfig;
  options: EncodingOptions;
  outputs: () => NamedTensors;
}

const post = (labels: string[]): ResolvedPostprocess => ({ labels, topK: 5, softmax: 'auto', format: 'yolov8', scoreThreshold: 0.25, iouThreshold: 0.45, maxDetections: 300 });
const random = (length: number, scale = 1) => Float32Array.from({ length }, () => Math.random() * scale);

const CASES: Case[] = [
  { name: 'tiny32 (10 classes)', config: { task: 'classification', postprocess: post([]) }, options: {}, outputs: () => ({ probs: { dtype: 'float32', shape: [1, 10], data: random(10) } }) },
  {
    name: 'mobilenetv2 (1000 classes, labels)',
    config: { task: 'classification', postprocess: post(Array.from({ length: 1000 }, (_, index) => `class ${index}`)) },
    options: {},
    outputs: () => ({ logits: { dtype: 'float32', shape: [1, 1000], data: random(1000, 10) } }),
  },
  { name: 'ppocr-det raw JSON (1×640×640)', config: { task: 'raw', postprocess: post([]) }, options: { output: 'raw' }, outputs: () => ({ map: { dtype: 'float32', shape: [1, 1, 640, 640], data: random(409_600) } }) },
  {
    name: 'ppocr-det raw binary (1×640×640)',
    config: { task: 'raw', postprocess: post([]) },
    options: { output: 'raw', encoding: 'binary' },
    outputs: () => ({ map: { dtype: 'float32', shape: [1, 1, 640, 640], data: random(409_600) } }),
  },
];

const timing = { queueMs: 0, preprocessMs: 1, inferenceMs: 1, postprocessMs: 1, totalMs: 3 };
const fields = { modelId: '00000000-0000-0000-0000-000000000000', requestId: 'req-1', version: 1, timing };

/** The route before the encoder threads: postprocess on the event loop, then Fastify's JSON.stringify of the whole response. */
function before(config: EncodingConfig, options: EncodingOptions, outputs: NamedTensors): Buffer {
  if (options.encoding === 'binary') {
    const { headers, chunks } = encodeBinaryOutputs([outputs]);
    return binaryBody({ ...fields, results: headers.map((described) => ({ outputs: described })) }, chunks).body;
  }
  const primary = Object.values(outputs)[0];
  const results = config.task === 'classification' && options.output !== 'raw' ? [{ predictions: classify(primary, config.postprocess, options) }] : [{ outputs: rawOutputs(outputs) }];
  return Buffer.from(JSON.stringify({ ...fields, results }), 'utf8');
}

/** Runs `one` over prepared outputs (made before the window: in the server they come from the engine thread). */
async function measure(inputs: NamedTensors[], concurrency: number, one: (outputs: NamedTensors) => Promise<unknown>): Promise<{ mainMsPerResponse: number; wallMsPerResponse: number }> {
  await one(inputs[0]);
  const responses = inputs.length - 1;
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < inputs.length) await one(inputs[next++]);
    }),
  );
  const used = performance.eventLoopUtilization(elu);
  return { mainMsPerResponse: round(used.active / responses), wallMsPerResponse: round((performance.now() - started) / responses) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const responses = argument('responses', 20);
  const concurrency = argument('concurrency', 4);
  const threads = argument('threads', 2);
  const encoder = new ResponseEncoder(new ResponseEncoderOptions(threads));
  const rows = [];
  try {
    for (const testCase of CASES) {
      const prepare = () => Array.from({ length: responses + 1 }, () => testCase.outputs());
      const oldWay = await measure(prepare(), concurrency, async (outputs) => before(testCase.config, testCase.options, outputs));
      const newWay = await measure(prepare(), concurrency, async (outputs) => {
        const item: EncodedItem = await encoder.encode(testCase.config, { source: 'image', outputs, transform: null, options: testCase.options });
        return assembleAnswer(fields, [item]).body;
      });
      const row = { case: testCase.name, beforeMainMs: oldWay.mainMsPerResponse, afterMainMs: newWay.mainMsPerResponse, beforeWallMs: oldWay.wallMsPerResponse, afterWallMs: newWay.wallMsPerResponse };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await encoder.onModuleDestroy();
  }
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `encode-${new Date().toISOString().slice(0, 16).replace(':', '-')}.json`);
  writeFileSync(file, JSON.stringify({ responses, concurrency, threads, node: process.version, rows }, null, 2));
  console.log(`written ${file}`);
}

await main();
