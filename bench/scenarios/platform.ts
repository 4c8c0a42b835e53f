/**
 * The platform scenario: the production build as a child process; throughput with batching off and on,
 * the stage breakdown, and in the last round /health under load, overload at 3x capacity, deploy cycles and boot.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { multipartBody } from '../images.js';
import { BuiltModel } from '../models/mobilenetv2.js';
import { PlatformClient } from '../platform-client.js';
import { summarize } from '../stats.js';
import { scrapeEventLoopLag } from '../event-loop-lag.js';
import { freePort, mainThreadSchedMs, processCpuMs, readRss, runLoad, serverEntry, ServerProcess, startNodeServer, threadCpuMs, watchRss } from '../processes.js';
import { BenchResults, ModelResults } from '../report.js';

import { ADMIN, BATCHED, Context, log, ModelName, modelConfig, UNBATCHED } from '../bench-context.js';
import { loadSeries } from './http-load.js';

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
  const server = await startNodeServer(serverEntry(join(context.root, 'dist')), args, setup.env, port, '/ready');
  const bootMs = Math.round(performance.now() - started);
  const client = new PlatformClient(server.url);
  await client.login(ADMIN.username, ADMIN.password);
  const accessToken = await client.issueToken('bench');
  return { server, client, accessToken, bootMs };
}

/**
 * GET /health latencies, one request every `everyMs` until stopped. The first `warmup` answers are
 * not recorded: they include the sampler's own TCP connect and first-call compilation, and with ~75
 * idle samples the p99 is the slowest single one, so one cold request used to become "idle p99".
 */
function sampleHealth(url: string, everyMs = 20, warmup = 5): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    for (let index = 0; index < warmup; index += 1) await (await fetch(`${url}/health`)).arrayBuffer();
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

/**
 * Sockets for the open-loop overload run. By Little's law the requests in flight are the offered rate
 * times their latency; an admitted request can wait for the whole queue ahead of it to drain
 * ((queue.maxSize + a batch) / capacity seconds), and a refusal holds its socket while the refused
 * body is still going out (allow 1 s). Twice that bound, so the schedule is never held back by busy
 * sockets and the queue really fills; capped by the plan.
 */
export function overloadConnections(offeredRps: number, capacityRps: number, cap: number): number {
  const worstAdmittedSeconds = (BATCHED.queue.maxSize + 8) / capacityRps;
  return Math.min(cap, Math.ceil(offeredRps * (worstAdmittedSeconds + 1) * 2));
}

/**
 * The platform's part of one round. Batching off and on are measured one after the other on the same
 * server; `round` alternates which goes first (off first in odd rounds), so the on ÷ off ratio over
 * several rounds is not biased by whatever the first series leaves behind (a larger heap, warm pools).
 */
export async function runPlatform(context: Context, models: BuiltModel[], results: Map<string, ModelResults>, profileDir: string | undefined, out: BenchResults, round: number, lastRound: boolean): Promise<void> {
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
      const series = [['unbatched', UNBATCHED], ['batched', BATCHED]] as const;
      for (const [label, overrides] of round % 2 === 1 ? series : [...series].reverse()) {
        await client.deploy(id, overrides);
        const probe = context.images[0];
        await client.infer(id, accessToken, multipartBody(probe, context.boundary), `multipart/form-data; boundary=${context.boundary}`);
        log(`platform, ${model.name}, batching ${label === 'batched' ? 'on (server defaults, profile-capped)' : 'off'}`);
        if (label === 'unbatched') entry.platform.breakdown = await probeBreakdown(context, client, id, accessToken);
        const before = await client.stats(id);
        entry.platform[label] = await loadSeries(context, inferenceUrl(id), { 'X-Access-Token': accessToken });
        const after = await client.stats(id);
        entry.platform.statsAfter![label] = { before, after };
        if (label === 'batched') {
          const view = await client.model(id);
          entry.platform.batchedMaxBatchSize = view.batchProfile?.maxBatchSize ?? view.deployment?.batching?.maxBatchSize;
          if (lastRound) entry.platform.deployedView = view;
        }
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
      // /health while idle (after a second for the deploy's own follow-up work to settle), then under closed-loop load.
      // The server's own event-loop delay over each window comes from /metrics, which resets it on every scrape.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await scrapeEventLoopLag(server.url);
      const idle = sampleHealth(server.url);
      await new Promise((resolve) => setTimeout(resolve, Math.max(1500, context.plan.loadSeconds * 1000)));
      const idleSamples = await idle.stop();
      const idleLag = await scrapeEventLoopLag(server.url);
      const schedBefore = mainThreadSchedMs(pid);
      const loadStarted = performance.now();
      const busy = sampleHealth(server.url);
      await runLoad(context.loadScript, { ...job(id), connections: context.plan.healthConnections, durationSeconds: context.plan.loadSeconds });
      const busySamples = await busy.stop();
      const schedAfter = mainThreadSchedMs(pid);
      const busyLag = await scrapeEventLoopLag(server.url);
      const eventLoopLag = idleLag && busyLag ? { idle: idleLag, underLoad: busyLag } : undefined;
      const mainThreadUnderLoad = {
        windowMs: Math.round(performance.now() - loadStarted),
        runMs: Math.round(schedAfter.runMs - schedBefore.runMs),
        waitMs: Math.round(schedAfter.waitMs - schedBefore.waitMs),
        slices: schedAfter.slices - schedBefore.slices,
      };
      const [idleMs, underLoadMs] = [summarize(idleSamples), summarize(busySamples)];
      out.health.push({ model: model.name, connections: context.plan.healthConnections, idleMs, underLoadMs, eventLoopLag, mainThreadUnderLoad });
      log(`  /health p99 idle ${idleMs.p99} ms, under load ${underLoadMs.p99} ms; event-loop delay p99 ${idleLag?.p99Ms} → ${busyLag?.p99Ms} ms (${model.name})`);

      const offered = Math.ceil(capacity * 3);
      const connections = overloadConnections(offered, capacity, context.plan.overloadConnections);
      log(`overload: ${model.name} at ${offered} req/s offered (capacity ${capacity}), up to ${connections} connections`);
      const rssBefore = readRss(pid).rssBytes;
      const watcher = watchRss(pid);
      const threadsBefore = threadCpuMs(pid);
      const cpuBefore = processCpuMs(pid);
      const load = await runLoad(context.loadScript, { ...job(id), connections, durationSeconds: context.plan.overloadSeconds, overallRate: offered, timeoutSeconds: 30 });
      // A thread that exited in between takes its CPU out of its group's sum; the process total keeps it.
      const serverCpuMs = Math.round(processCpuMs(pid) - cpuBefore);
      const serverCpuMsByThread = Object.fromEntries([...threadCpuMs(pid).entries()].map(([name, ms]) => [name, Math.max(0, Math.round(ms - (threadsBefore.get(name) ?? 0)))]));
      const peak = watcher.stop();
      const overload = { model: model.name, capacityRps: capacity, offeredRps: offered, connections, load, peakRssBytes: peak, rssBeforeBytes: rssBefore, serverCpuMs, serverCpuMsByThread };
      out.overloads.push(overload);
      if (model.name === context.plan.overloadModel) out.overload = overload;
      log(`  started ${load.open?.startedPerSecond ?? '?'}/s of ${offered}/s (${load.open?.notStarted ?? 0} not started, peak ${load.open?.peakInFlight ?? '?'} in flight); served ${load.successPerSecond}/s, 503s: ${load.latencyByStatusMs['503']?.count ?? 0}, p50 ${load.latencyByStatusMs['503']?.p50 ?? 'n/a'} ms, peak RSS ${(peak / 1048576).toFixed(0)} MiB`);
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
