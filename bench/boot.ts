/**
 * Boot to /ready, measured alone: uploads and deploys the benchmark models once (as the platform
 * scenario's last round does), then restarts the production build `--runs` times on that data dir
 * and reports each spawn-to-/ready time and the median; `--empty` first times boots of an empty
 * data dir. `--dist` times another build (e.g. a copy of dist/ made before a change); `--unbundled` times
 * `<dist>/src/main.js` instead of the bundle `npm start` runs (`<dist>/server.mjs`). Much cheaper than the platform scenario when only the boot row matters.
 *
 *   node dist/bench/boot.js [--runs 5] [--models tiny32,mobilenetv2,ppocr-det] [--empty 3] [--cpu-prof-dir dir] [--dist dir] [--unbundled] [--intra N] [--inter N]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN, BATCHED, log, MODEL_NAMES, ModelName, modelConfig, projectRoot } from './bench-context.js';
import { buildMobileNetV2 } from './models/mobilenetv2.js';
import { pretrainedTextDetector } from './models/pretrained.js';
import { buildTinyClassifier } from './models/tiny-classifier.js';
import { PlatformClient } from './platform-client.js';
import { freePort, serverEntry, startNodeServer } from './processes.js';

function value(argv: string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux; 0 elsewhere): unlike wall time, barely moved by other load on the machine. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
  } catch {
    return 0;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(value(argv, '--runs') ?? 5);
  const emptyRuns = Number(value(argv, '--empty') ?? 0);
  const names = (value(argv, '--models')?.split(',') ?? [...MODEL_NAMES]).filter((name): name is ModelName => (MODEL_NAMES as readonly string[]).includes(name));
  const profileDir = value(argv, '--cpu-prof-dir');
  const root = projectRoot();
  const work = mkdtempSync(join(os.tmpdir(), 'modelport-boot-'));
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    GRPC_PORT: '0',
    DATA_DIR: join(work, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    // The platform scenario's thread settings (bench/run.ts defaults), so both time the same boot.
    ORT_INTRA_OP_THREADS: value(argv, '--intra') ?? String(os.availableParallelism()),
    ORT_INTER_OP_THREADS: value(argv, '--inter') ?? '1',
  };
  const script = serverEntry(resolve(root, value(argv, '--dist') ?? 'dist'), argv.includes('--unbundled'));
  const boot = async (args: string[] = []) => {
    const port = await freePort();
    const started = performance.now();
    const server = await startNodeServer(script, args, env, port, '/ready');
    return { server, ms: Math.round(performance.now() - started), cpuMs: cpuMsOf(server.child.pid) };
  };
  try {
    const empty: number[] = [];
    const emptyCpu: number[] = [];
    for (let run = 0; run < emptyRuns; run += 1) {
      const { server, ms, cpuMs } = await boot();
      empty.push(ms);
      emptyCpu.push(cpuMs);
      await server.stop();
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
    if (emptyRuns) log(`empty data dir: ${empty.join(', ')} ms; median ${median(empty)} ms`);

    const { server } = await boot();
    const client = new PlatformClient(server.url);
    await client.login(ADMIN.username, ADMIN.password);
    for (const name of names) {
      const model = name === 'mobilenetv2' ? buildMobileNetV2(join(work, 'mobilenetv2.onnx')) : name === 'ppocr-det' ? pretrainedTextDetector(root) : buildTinyClassifier(join(work, 'tiny32.onnx'));
      const id = await client.uploadModel(model.name, readFileSync(model.path), `${model.name}.onnx`, modelConfig(model));
      await client.deploy(id, BATCHED);
    }
    await server.stop();
    log(`deployed ${names.join(', ')}; restarting ${runs} times`);

    const cacheDir = join(env.DATA_DIR, 'cache', 'batch-profiles');
    log(`batch profiles kept: ${existsSync(cacheDir) ? readdirSync(cacheDir).length : 0}`);
    const deployed: number[] = [];
    const deployedCpu: number[] = [];
    if (profileDir) mkdirSync(resolve(profileDir), { recursive: true });
    for (let run = 0; run < runs; run += 1) {
      const args = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
      const { server: restarted, ms, cpuMs } = await boot(args);
      deployed.push(ms);
      deployedCpu.push(cpuMs);
      await restarted.stop();
    }
    log(`with ${names.length} deployed models: ${deployed.join(', ')} ms; median ${median(deployed)} ms (CPU ${median(deployedCpu)} ms)`);
    const result = {
      emptyMs: empty,
      emptyMedianMs: median(empty),
      emptyCpuMs: emptyCpu,
      deployedModels: names,
      deployedMs: deployed,
      deployedMedianMs: median(deployed),
      deployedCpuMs: deployedCpu,
      deployedCpuMedianMs: median(deployedCpu),
      load: os.loadavg().map((value) => Math.round(value * 100) / 100),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`boot bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
