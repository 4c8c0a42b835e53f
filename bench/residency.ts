/**
 * The residency benchmark (`npm run bench:residency`, `-- --quick` for a smoke-sized run), three
 * parts against the production build, each on a fresh server:
 *  - residency: ten on-demand, process-isolated models of about 300 MB each (heavy-model.ts) under
 *    MODEL_MEMORY_BUDGET_MB=1024, which fits three; a seeded Zipf-like request mix over all ten,
 *    one request at a time so each is clearly a hit or a cold start. Reports cold-start and hit
 *    latency p50/p99, the hit rate, evictions, every answer's correctness, whether the server
 *    process stayed the same, and server + children RSS sampled over time.
 *  - isolation: MobileNetV2 deployed twice on one server, isolation "thread" and "process", driven
 *    in interleaved rounds (alternating which goes first) at the same concurrency; the throughput
 *    ratio process ÷ thread per round, with median and spread.
 *  - cycles: 100 load/unload cycles of one process-isolated model; server + children RSS at the
 *    start and after every unload.
 * Writes bench/results/residency-<stamp>.json (raw samples included) and a short .md beside it.
 * Flags: --quick, --out DIR, --parts residency,isolation,cycles, --requests N, --cycles N.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBenchImages, multipartBody, type BenchImage } from './images.js';
import { expectedHeavyOutput, writeHeavyModel } from './models/heavy-model.js';
import { buildMobileNetV2 } from './models/mobilenetv2.js';
import { seededRandom } from './models/onnx-writer.js';
import { PlatformClient } from './platform-client.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './preprocess.js';
import { freePort, readRss, serverEntry, startNodeServer, type ServerProcess } from './processes.js';
import { summarize } from './stats.js';

const MB = 1024 * 1024;
const ADMIN = { username: 'bench-admin', password: `bench-${randomBytes(12).toString('hex')}` };

interface Plan {
  mode: 'full' | 'quick';
  budgetMb: number;
  models: number;
  tableMb: number;
  requests: number;
  isolationRounds: number;
  isolationRoundMs: number;
  isolationConcurrency: number;
  cycles: number;
  cycleTableMb: number;
}

const FULL: Plan = { mode: 'full', budgetMb: 1024, models: 10, tableMb: 240, requests: 300, isolationRounds: 6, isolationRoundMs: 8_000, isolationConcurrency: 4, cycles: 100, cycleTableMb: 64 };
const QUICK: Plan = { mode: 'quick', budgetMb: 300, models: 10, tableMb: 16, requests: 24, isolationRounds: 2, isolationRoundMs: 1_000, isolationConcurrency: 2, cycles: 5, cycleTableMb: 8 };

function projectRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!readdirSync(directory).includes('package.json')) directory = dirname(directory);
  return directory;
}

function log(message: string): void {
  process.stderr.write(`[bench:residency] ${message}\n`);
}

/** Resident memory of a process and of every process below it (model instance children), from /proc. */
function treeRss(pid: number): { serverBytes: number; childrenBytes: number; children: number } {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const below = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of parents) {
      if (!below.has(child) && (parent === pid || below.has(parent))) {
        below.add(child);
        grew = true;
      }
    }
  }
  let childrenBytes = 0;
  for (const child of below) childrenBytes += readRss(child).rssBytes;
  return { serverBytes: readRss(pid).rssBytes, childrenBytes, children: below.size };
}

/** Model indices drawn with probability ∝ 1/(rank+1) (Zipf, s = 1): a few hot models, a long tail. */
function zipfMix(models: number, count: number, random: () => number): number[] {
  const weights = Array.from({ length: models }, (_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return Array.from({ length: count }, () => {
    let pick = random() * total;
    for (let index = 0; index < models; index++) {
      pick -= weights[index]!;
      if (pick <= 0) return index;
    }
    return models - 1;
  });
}

interface Platform {
  server: ServerProcess;
  client: PlatformClient;
  accessToken: string;
  dataDir: string;
}

async function startPlatform(root: string, env: Record<string, string>): Promise<Platform> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'modelport-bench-residency-'));
  const server = await startNodeServer(
    serverEntry(join(root, 'dist')),
    [],
    { NODE_ENV: 'production', HOST: '127.0.0.1', GRPC_PORT: '0', DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString('hex'), ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', ...env },
    await freePort(),
    '/ready',
    // Generous: a busy machine boots slowly, and a slow boot is not what this benchmark measures.
    180_000,
  );
  const client = new PlatformClient(server.url);
  await client.login(ADMIN.username, ADMIN.password);
  return { server, client, accessToken: await client.issueToken('bench'), dataDir };
}

async function stopPlatform(platform: Platform): Promise<void> {
  await platform.server.stop();
  rmSync(platform.dataDir, { recursive: true, force: true });
}

async function inferJson(platform: Platform, modelId: string, input: number[]): Promise<{ status: number; body: any }> {
  const response = await fetch(`${platform.server.url}/api/v1/inference/${modelId}`, {
    method: 'POST',
    headers: { 'X-Access-Token': platform.accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { x: { shape: [1, input.length], data: input } } }),
  });
  return { status: response.status, body: await response.json() };
}

async function uploadHeavy(platform: Platform, work: string, name: string, tableMb: number, offset: number): Promise<string> {
  const file = join(work, `${name}.onnx`);
  writeHeavyModel(file, { tableMb, offset });
  await adminToken(platform);
  const id = await platform.client.uploadModel(name, readFileSync(file), `${name}.onnx`, { engine: 'onnxruntime', task: 'raw' });
  rmSync(file);
  return id;
}

interface RssSample {
  atMs: number;
  serverMb: number;
  childrenMb: number;
  children: number;
}

function sampleRss(pid: number, everyMs: number): { stop(): RssSample[] } {
  const started = performance.now();
  const samples: RssSample[] = [];
  const take = () => {
    const rss = treeRss(pid);
    samples.push({ atMs: Math.round(performance.now() - started), serverMb: round(rss.serverBytes / MB), childrenMb: round(rss.childrenBytes / MB), children: rss.children });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

const ISOLATION_SERVING = { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { maxSize: 100, timeoutMs: 10_000 } };

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function residencyPart(root: string, work: string, plan: Plan): Promise<Record<string, unknown>> {
  const platform = await startPlatform(root, { MODEL_MEMORY_BUDGET_MB: String(plan.budgetMb) });
  const pid = platform.server.child.pid!;
  try {
    const ids: string[] = [];
    for (let index = 0; index < plan.models; index++) {
      log(`residency: uploading model ${index + 1}/${plan.models} (${plan.tableMb} MB table)`);
      const id = await uploadHeavy(platform, work, `heavy-${index}`, plan.tableMb, index + 1);
      await platform.client.deploy(id, { residency: { mode: 'on-demand', idleUnloadSeconds: 0 }, isolation: 'process', queue: { timeoutMs: 120_000 } });
      ids.push(id);
    }
    const mix = zipfMix(plan.models, plan.requests, seededRandom(13));
    const rss = sampleRss(pid, 500);
    const cold: number[] = [];
    const hot: number[] = [];
    const serverColdStarts: number[] = [];
    let wrong = 0;
    const failures: Record<string, number> = {};
    let peakLoadedBytes = 0;
    for (const [step, index] of mix.entries()) {
      const id = ids[index]!;
      const wasLoaded = (await viewOf(platform, id)).loaded as boolean;
      const input = [step, step + 1, step + 2, step + 3];
      const started = performance.now();
      const answer = await inferJson(platform, id, input);
      const ms = performance.now() - started;
      if (answer.status !== 200) {
        const code = String(answer.body?.error?.code ?? answer.status);
        failures[code] = (failures[code] ?? 0) + 1;
        continue;
      }
      if (JSON.stringify(answer.body.results[0].outputs.y.data) !== JSON.stringify(expectedHeavyOutput(input, index + 1))) wrong++;
      (wasLoaded ? hot : cold).push(ms);
      const view = await viewOf(platform, id);
      if (!wasLoaded && typeof view.lastColdStartMs === 'number') serverColdStarts.push(view.lastColdStartMs);
      const loadedBytes = await metric(platform, 'modelport_memory_loaded_bytes');
      peakLoadedBytes = Math.max(peakLoadedBytes, loadedBytes);
      if ((step + 1) % 25 === 0) log(`residency: ${step + 1}/${plan.requests} requests, ${cold.length} cold`);
    }
    const samples = rss.stop();
    const views = await Promise.all(ids.map((id) => viewOf(platform, id)));
    const costs = views.filter((view) => view.loaded).map((view) => round(view.memoryBytes / MB));
    return {
      budgetMb: plan.budgetMb,
      models: plan.models,
      tableMb: plan.tableMb,
      requests: plan.requests,
      answered: cold.length + hot.length,
      wrongAnswers: wrong,
      failures,
      hitRate: round(hot.length / Math.max(1, cold.length + hot.length), 3),
      coldStarts: cold.length,
      coldStartMs: summarize(cold),
      serverColdStartMs: summarize(serverColdStarts),
      hitMs: summarize(hot),
      evictions: await metricSum(platform, 'modelport_model_evictions_total'),
      loads: await metricSum(platform, 'modelport_model_loads_total'),
      crashes: await metricSum(platform, 'modelport_engine_crashes_total'),
      peakLoadedMb: round(peakLoadedBytes / MB),
      measuredCostMbOfLoaded: costs,
      serverPidUnchanged: platform.server.child.exitCode === null && platform.server.child.pid === pid,
      rssOverTime: samples,
      peakTotalRssMb: round(Math.max(...samples.map((sample) => sample.serverMb + sample.childrenMb))),
    };
  } finally {
    await stopPlatform(platform);
  }
}

async function metricText(platform: Platform): Promise<string[]> {
  return (await (await fetch(`${platform.server.url}/metrics`)).text()).split('\n');
}

async function metric(platform: Platform, name: string): Promise<number> {
  const line = (await metricText(platform)).find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function metricSum(platform: Platform, name: string): Promise<number> {
  return (await metricText(platform)).filter((line) => line.startsWith(`${name}{`)).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** Closed-loop load: `concurrency` clients each sending the next request as soon as one returns, for `durationMs`. */
async function closedLoop(url: string, headers: Record<string, string>, bodies: Buffer[], concurrency: number, durationMs: number): Promise<{ ok: number; failed: number; perSecond: number }> {
  const end = performance.now() + durationMs;
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const body = bodies[next++ % bodies.length]!;
        const response = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body) });
        await response.arrayBuffer();
        if (response.ok) ok++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ok, failed, perSecond: round(ok / seconds, 2) };
}

async function isolationPart(root: string, work: string, plan: Plan, images: BenchImage[]): Promise<Record<string, unknown>> {
  const platform = await startPlatform(root, {});
  try {
    const model = buildMobileNetV2(join(work, 'mobilenetv2.onnx'));
    const config = { task: 'classification', preprocess: { resize: 'stretch', mean: IMAGENET_MEAN, std: IMAGENET_STD }, postprocess: { topK: 5 } };
    const deployments = { thread: '', process: '' };
    for (const isolation of ['thread', 'process'] as const) {
      await adminToken(platform);
      const id = await platform.client.uploadModel(`mobilenetv2-${isolation}`, readFileSync(model.path), 'mobilenetv2.onnx', config);
      // Unbatched on both, so a batch size chosen by a noisy deploy-time profile cannot differ between them.
      await platform.client.deploy(id, { isolation, ...ISOLATION_SERVING });
      deployments[isolation] = id;
    }
    const boundary = '----modelport-bench-residency';
    const bodies = images.map((image) => multipartBody(image, boundary));
    const headers = { 'X-Access-Token': platform.accessToken, 'content-type': `multipart/form-data; boundary=${boundary}` };
    const url = (id: string) => `${platform.server.url}/api/v1/inference/${id}`;
    // Warm both (first calls pay allocator and cache warm-up).
    for (const id of Object.values(deployments)) await closedLoop(url(id), headers, bodies, plan.isolationConcurrency, Math.min(1_000, plan.isolationRoundMs));
    const rounds: Array<{ order: string[]; thread: number; process: number; ratio: number; failed: number }> = [];
    for (let index = 0; index < plan.isolationRounds; index++) {
      const order: Array<'thread' | 'process'> = index % 2 === 0 ? ['thread', 'process'] : ['process', 'thread'];
      const rates = { thread: 0, process: 0 };
      let failed = 0;
      for (const isolation of order) {
        const result = await closedLoop(url(deployments[isolation]), headers, bodies, plan.isolationConcurrency, plan.isolationRoundMs);
        rates[isolation] = result.perSecond;
        failed += result.failed;
      }
      rounds.push({ order, ...rates, ratio: round(rates.process / Math.max(1e-9, rates.thread), 3), failed });
      log(`isolation: round ${index + 1}/${plan.isolationRounds}: thread ${rates.thread}/s, process ${rates.process}/s`);
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    };
    const ratios = rounds.map((entry) => entry.ratio);
    return {
      model: 'MobileNetV2 1.0, 224×224, random weights; one instance each; image requests (multipart, server-side preprocessing)',
      concurrency: plan.isolationConcurrency,
      serving: ISOLATION_SERVING,
      roundMs: plan.isolationRoundMs,
      rounds,
      threadPerSecond: { median: round(median(rounds.map((entry) => entry.thread)), 2), min: Math.min(...rounds.map((entry) => entry.thread)), max: Math.max(...rounds.map((entry) => entry.thread)) },
      processPerSecond: { median: round(median(rounds.map((entry) => entry.process)), 2), min: Math.min(...rounds.map((entry) => entry.process)), max: Math.max(...rounds.map((entry) => entry.process)) },
      ratio: { median: round(median(ratios), 3), min: Math.min(...ratios), max: Math.max(...ratios) },
    };
  } finally {
    await stopPlatform(platform);
  }
}

async function cyclesPart(root: string, work: string, plan: Plan): Promise<Record<string, unknown>> {
  const platform = await startPlatform(root, {});
  const pid = platform.server.child.pid!;
  try {
    const id = await uploadHeavy(platform, work, 'cycled', plan.cycleTableMb, 7);
    await platform.client.deploy(id, { residency: { mode: 'on-demand', idleUnloadSeconds: 0 }, isolation: 'process', queue: { timeoutMs: 120_000 } });
    const cycle = async () => {
      const answer = await inferJson(platform, id, [1, 2, 3, 4]);
      if (answer.status !== 200 || JSON.stringify(answer.body.results[0].outputs.y.data) !== JSON.stringify(expectedHeavyOutput([1, 2, 3, 4], 7))) throw new Error(`cycle request failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      const loaded = treeRss(pid);
      const response = await fetch(`${platform.server.url}/api/v1/internal/models/${id}/unload`, { method: 'POST', headers: { 'X-Auth-Token': await adminToken(platform) } });
      if (!response.ok) throw new Error(`unload failed: ${response.status} ${await response.text()}`);
      return loaded;
    };
    const beforeAnyLoad = treeRss(pid);
    // One cycle first: the server's own first-use allocations (code paths, pools) are not a leak.
    await cycle();
    const start = treeRss(pid);
    const afterUnload: Array<{ cycle: number; totalMb: number; children: number; loadedTotalMb: number }> = [];
    for (let index = 1; index <= plan.cycles; index++) {
      const loaded = await cycle();
      const rss = treeRss(pid);
      afterUnload.push({ cycle: index, totalMb: round((rss.serverBytes + rss.childrenBytes) / MB), children: rss.children, loadedTotalMb: round((loaded.serverBytes + loaded.childrenBytes) / MB) });
      if (index % 10 === 0) log(`cycles: ${index}/${plan.cycles}, server + children ${afterUnload.at(-1)!.totalMb} MB after the unload (start ${round((start.serverBytes + start.childrenBytes) / MB)} MB)`);
    }
    const startMb = round((start.serverBytes + start.childrenBytes) / MB);
    const endMb = afterUnload.at(-1)?.totalMb ?? startMb;
    return {
      cycles: plan.cycles,
      tableMb: plan.cycleTableMb,
      beforeAnyLoadMb: round((beforeAnyLoad.serverBytes + beforeAnyLoad.childrenBytes) / MB),
      startMb,
      endMb,
      maxAfterUnloadMb: Math.max(...afterUnload.map((sample) => sample.totalMb)),
      endOverStart: round(endMb / startMb, 3),
      childrenLeftAfterUnload: Math.max(...afterUnload.map((sample) => sample.children)),
      samples: afterUnload,
    };
  } finally {
    await stopPlatform(platform);
  }
}

const adminTokens = new WeakMap<Platform, { token: string; at: number }>();
/** An admin JWT, logged in again every five minutes (access tokens expire long before a full run ends). */
async function adminToken(platform: Platform): Promise<string> {
  const cached = adminTokens.get(platform);
  if (cached && performance.now() - cached.at < 5 * 60_000) return cached.token;
  const response = await fetch(`${platform.server.url}/api/v1/internal/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const token = ((await response.json()) as { accessToken: string }).accessToken;
  adminTokens.set(platform, { token, at: performance.now() });
  await platform.client.login(ADMIN.username, ADMIN.password);
  return token;
}

/** The model view (GET /api/v1/internal/models/:id) with a fresh admin token. */
async function viewOf(platform: Platform, id: string): Promise<any> {
  const response = await fetch(`${platform.server.url}/api/v1/internal/models/${id}`, { headers: { 'X-Auth-Token': await adminToken(platform) } });
  if (!response.ok) throw new Error(`model view → ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

function renderMarkdown(out: Record<string, any>): string {
  const lines = [`# Residency benchmark (${out.mode}), ${out.startedAt}`, '', `Machine: ${out.machine.cores} cores, ${out.machine.memoryGb} GB, Node ${out.machine.node}.`, ''];
  const r = out.residency;
  if (r) {
    lines.push(
      `## ${r.models} on-demand models of ~${r.tableMb} MB tables under a ${r.budgetMb} MB budget`,
      '',
      `- ${r.answered}/${r.requests} answered, ${r.wrongAnswers} wrong, failures ${JSON.stringify(r.failures)}; server process unchanged: ${r.serverPidUnchanged}; engine crashes: ${r.crashes}`,
      `- hit rate ${r.hitRate}; ${r.coldStarts} cold starts, ${r.loads} loads, ${r.evictions} evictions`,
      `- cold-start latency (client) p50 ${r.coldStartMs.p50} ms, p99 ${r.coldStartMs.p99} ms; server-measured p50 ${r.serverColdStartMs.p50} ms, p99 ${r.serverColdStartMs.p99} ms`,
      `- hit latency p50 ${r.hitMs.p50} ms, p99 ${r.hitMs.p99} ms`,
      `- measured cost of the loaded models (MB): ${r.measuredCostMbOfLoaded.join(', ')}; peak loaded ${r.peakLoadedMb} MB; peak server + children RSS ${r.peakTotalRssMb} MB`,
      '',
    );
  }
  const i = out.isolation;
  if (i) {
    lines.push(
      '## Isolation: process ÷ thread throughput',
      '',
      `${i.model}, concurrency ${i.concurrency}, ${i.rounds.length} interleaved rounds of ${i.roundMs} ms.`,
      '',
      `- thread median ${i.threadPerSecond.median}/s (${i.threadPerSecond.min}–${i.threadPerSecond.max}); process median ${i.processPerSecond.median}/s (${i.processPerSecond.min}–${i.processPerSecond.max})`,
      `- ratio median ${i.ratio.median} (${i.ratio.min}–${i.ratio.max})`,
      '',
    );
  }
  const c = out.cycles;
  if (c) {
    lines.push('## Load/unload cycles', '', `- ${c.cycles} cycles of a process-isolated model (${c.tableMb} MB table): server + children RSS ${c.startMb} MB at the start, ${c.endMb} MB at the end (×${c.endOverStart}), at most ${c.maxAfterUnloadMb} MB after any unload; instance processes left after an unload: ${c.childrenLeftAfterUnload}`, '');
  }
  if (out.problems.length) lines.push('## Problems', '', ...out.problems.map((problem: string) => `- ${problem}`), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const numberAfter = (flag: string) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
  const base = argv.includes('--quick') ? QUICK : FULL;
  // --requests / --cycles shorten a run on a busy machine without changing what is measured.
  const plan: Plan = { ...base, requests: numberAfter('--requests') ?? base.requests, cycles: numberAfter('--cycles') ?? base.cycles };
  const outIndex = argv.indexOf('--out');
  const partsIndex = argv.indexOf('--parts');
  const parts = new Set((partsIndex >= 0 ? argv[partsIndex + 1]! : 'residency,isolation,cycles').split(','));
  const root = projectRoot();
  const work = mkdtempSync(join(os.tmpdir(), 'modelport-bench-residency-work-'));
  const startedAt = new Date().toISOString();
  const out: Record<string, any> = { mode: plan.mode, startedAt, plan, machine: { cores: os.availableParallelism(), memoryGb: round(os.totalmem() / 1024 ** 3), node: process.version }, problems: [] as string[] };
  try {
    const images = await loadBenchImages(root, 'small');
    for (const [name, run] of [
      ['residency', () => residencyPart(root, work, plan)],
      ['isolation', () => isolationPart(root, work, plan, images)],
      ['cycles', () => cyclesPart(root, work, plan)],
    ] as const) {
      if (!parts.has(name)) continue;
      log(`part ${name}`);
      try {
        out[name] = await run();
      } catch (error) {
        const cause = error instanceof Error && error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : '';
        out.problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}${cause}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const directory = resolve(outIndex >= 0 ? argv[outIndex + 1]! : join(root, 'bench', 'results'));
  mkdirSync(directory, { recursive: true });
  const stamp = `residency-${startedAt.slice(0, 16).replace(':', '-')}${plan.mode === 'quick' ? '-quick' : ''}`;
  writeFileSync(join(directory, `${stamp}.json`), `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(directory, `${stamp}.md`), renderMarkdown(out));
  log(`wrote ${join(directory, stamp)}.json and .md`);
  if (out.problems.length) process.exitCode = 1;
}

await main();
