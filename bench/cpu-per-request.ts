/**
 * CPU per request, naive server vs platform, under the same closed-loop load: `node dist/bench/cpu-per-request.js
 * [--server naive|platform|both] [--connections 16] [--seconds 10] [--rounds 3] [--model tiny32] [--prof-dir DIR] [--cpu-split] [--rate N]`.
 * For each server it reads the process's utime+stime (all threads: event loop, sharp, ONNX Runtime, workers)
 * and the load generator's own CPU, around one load window after a warm-up, and divides by the requests answered.
 * With --prof-dir the server runs under --cpu-prof and the main-thread self time is summarised (the whole
 * process life; the load window dominates). Rounds alternate the servers so both see the same machine load.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { enableCpuSplit } from './cpu-split.js';
import { ADMIN, BATCHED, log, modelConfig, projectRoot } from './bench-context.js';
import { loadBenchImages, multipartBody } from './images.js';
import { buildMobileNetV2, BuiltModel } from './models/mobilenetv2.js';
import { pretrainedTextDetector } from './models/pretrained.js';
import { buildTinyClassifier } from './models/tiny-classifier.js';
import { PlatformClient } from './platform-client.js';
import { freePort, processCpuMs, runLoad, serverEntry, ServerProcess, startNodeServer, threadCpuMs } from './processes.js';
import { renderProfileMarkdown, summarizeProfile } from './profile-summary.js';

/** Cores the servers may use: all of them, or the server's part under --cpu-split (bench/cpu-split.ts). */
let serverCores = os.availableParallelism();

function arg(argv: string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : fallback;
}

async function startServer(kind: 'naive' | 'platform', root: string, model: BuiltModel, profDir: string | undefined, dataDir: string): Promise<{ server: ServerProcess; url: string; headers: Record<string, string> }> {
  const port = await freePort();
  const threads = { ORT_INTRA_OP_THREADS: String(serverCores), ORT_INTER_OP_THREADS: '1' };
  const args = profDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, kind)}`] : [];
  if (kind === 'naive') {
    const env = { ...threads, NAIVE_MODEL_PATH: model.path, NAIVE_SIZE: String(model.size), NAIVE_CLASSES: String(model.classes), NAIVE_INPUT: model.inputName, NAIVE_OUTPUT: model.outputName };
    const server = await startNodeServer(join(root, 'dist', 'bench', 'naive-server.js'), args, env, port, '/health');
    return { server, url: `${server.url}/predict`, headers: {} };
  }
  const env = { ...threads, NODE_ENV: 'production', HOST: '127.0.0.1', GRPC_PORT: '0', DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString('hex'), ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'info' };
  const server = await startNodeServer(serverEntry(join(root, 'dist')), args, env, port, '/ready');
  const client = new PlatformClient(server.url);
  await client.login(ADMIN.username, ADMIN.password);
  const token = await client.issueToken('cpu-per-request');
  const id = await client.uploadModel(model.name, readFileSync(model.path), `${model.name}.onnx`, modelConfig(model));
  await client.deploy(id, BATCHED);
  return { server, url: `${server.url}/api/v1/inference/${id}`, headers: { 'X-Access-Token': token } };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const which = arg(argv, '--server', 'both');
  const connections = Number(arg(argv, '--connections', '16'));
  const seconds = Number(arg(argv, '--seconds', '10'));
  // --rate N: an open-loop flood of N requests/s (bench/open-loop.ts) instead of the closed loop, to see what overload costs.
  const rate = Number(arg(argv, '--rate', '0'));
  const rounds = Number(arg(argv, '--rounds', '1'));
  const modelName = arg(argv, '--model', 'tiny32');
  const profDir = argv.includes('--prof-dir') ? resolve(arg(argv, '--prof-dir', '')) : undefined;
  serverCores = argv.includes('--cpu-split') ? enableCpuSplit().serverCores : os.availableParallelism();
  const root = projectRoot();
  const work = mkdtempSync(join(os.tmpdir(), 'modelport-cpu-'));
  try {
    const images = await loadBenchImages(root, 'realistic');
    const boundary = `----modelportcpu${randomBytes(8).toString('hex')}`;
    const bodyFiles = images.map((image, index) => {
      const file = join(work, `body-${index}.bin`);
      writeFileSync(file, multipartBody(image, boundary));
      return file;
    });
    const model = modelName === 'mobilenetv2' ? buildMobileNetV2(join(work, 'm.onnx')) : modelName === 'ppocr-det' ? pretrainedTextDetector(root) : buildTinyClassifier(join(work, 't.onnx'));
    const kinds = (which === 'both' ? ['naive', 'platform'] : [which]) as Array<'naive' | 'platform'>;
    const rows: string[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const kind of round % 2 === 0 ? [...kinds].reverse() : kinds) {
        const dataDir = mkdtempSync(join(work, 'data-'));
        if (profDir) mkdirSync(join(profDir, kind), { recursive: true });
        const { server, url, headers } = await startServer(kind, root, model, profDir, dataDir);
        try {
          const job = { url, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, bodyFiles };
          await runLoad(join(root, 'dist', 'bench', 'load.js'), { ...job, connections: 4, durationSeconds: 2 });
          const pid = server.child.pid ?? 0;
          const before = processCpuMs(pid);
          const threadsBefore = threadCpuMs(pid);
          const window = rate > 0 ? { connections: Math.max(connections, Math.ceil(rate * 4)), overallRate: rate, timeoutSeconds: 30 } : { connections };
          const result = await runLoad(join(root, 'dist', 'bench', 'load.js'), { ...job, ...window, durationSeconds: seconds });
          const serverCpu = processCpuMs(pid) - before;
          const perThread = [...threadCpuMs(pid).entries()]
            .map(([name, ms]) => [name, (ms - (threadsBefore.get(name) ?? 0)) / Math.max(1, result.success)] as const)
            .filter(([, ms]) => ms >= 0.05)
            .sort((a, b) => b[1] - a[1])
            .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
            .join(', ');
          const row = `| ${round} | ${kind} | ${os.loadavg()[0].toFixed(1)} | ${result.successPerSecond} | ${(serverCpu / Math.max(1, result.success)).toFixed(2)} | ${(result.clientCpuMs / Math.max(1, result.requests)).toFixed(2)} (kernel ${(result.clientSystemCpuMs / Math.max(1, result.requests)).toFixed(2)}) | ${result.requests - result.success} | ${perThread} |`;
          log(row);
          rows.push(row);
        } finally {
          await server.stop();
        }
      }
    }
    process.stdout.write(`${model.name}, ${rate > 0 ? `open loop at ${rate} req/s (CPU per 2xx answer)` : `c=${connections}`}, ${seconds} s per window\n\n| round | server | load avg (1 min) | req/s | server CPU ms/request (all threads) | load generator CPU ms/request | non-2xx | server CPU ms/request by thread |\n|---:|---|---:|---:|---:|---:|---:|---|\n${rows.join('\n')}\n`);
    for (const kind of profDir ? kinds : []) {
      const files = readdirSync(join(profDir!, kind)).filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file)).map((file) => join(profDir!, kind, file));
      const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      if (newest) process.stdout.write(`\n${kind} (${newest}):\n\n${renderProfileMarkdown(summarizeProfile(JSON.parse(readFileSync(newest, 'utf8')), 25))}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
