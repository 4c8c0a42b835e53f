/**
 * The gRPC row of the benchmark: one platform process, the same model, deployment settings and
 * concurrency over three tensor paths — v2 REST with JSON tensors, v2 REST with the binary
 * tensor data extension, and gRPC ModelInfer with raw_input_contents — each driven by the same
 * closed-loop client in this process, reported as gRPC / REST ratios.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { BuiltModel } from './models/mobilenetv2.js';
import { PlatformClient } from './platform-client.js';
import { freePort, serverEntry, startNodeServer } from './processes.js';
import { summarize } from './stats.js';

export interface GrpcRowOptions {
  root: string;
  model: BuiltModel;
  concurrency: number;
  durationSeconds: number;
  deployment: Record<string, unknown>;
  threads: { intraOpNumThreads: number; interOpNumThreads: number };
}

export interface PathResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
}

export interface GrpcRow {
  model: string;
  concurrency: number;
  durationSeconds: number;
  restJson: PathResult;
  restBinary: PathResult;
  grpc: PathResult;
  /** gRPC requests/s divided by each REST path's. */
  ratio: { grpcVsRestJson: number; grpcVsRestBinary: number };
}

/** `concurrency` workers each sending back-to-back requests for `seconds`. */
async function closedLoop(concurrency: number, seconds: number, send: () => Promise<void>): Promise<PathResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        try {
          await send();
          latencies.push(performance.now() - sent);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const summary = summarize(latencies);
  return { requests: latencies.length, errors, requestsPerSecond: Math.round((latencies.length / elapsed) * 10) / 10, latencyMs: { p50: summary.p50, p99: summary.p99 } };
}

export async function runGrpcRow(options: GrpcRowOptions): Promise<GrpcRow> {
  const { model } = options;
  const dataDir = mkdtempSync(join(os.tmpdir(), 'modelport-bench-grpc-'));
  const admin = { username: 'bench-admin', password: `bench-${randomBytes(12).toString('hex')}` };
  const grpcPort = await freePort();
  const server = await startNodeServer(serverEntry(join(options.root, 'dist')), [], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: 'warn',
    ORT_INTRA_OP_THREADS: String(options.threads.intraOpNumThreads),
    ORT_INTER_OP_THREADS: String(options.threads.interOpNumThreads),
  }, await freePort(), '/ready', 180_000);
  const definition = loadSync(join(options.root, 'src', 'grpc', 'inference.proto'), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const Service = (loadPackageDefinition(definition).inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
  const grpc = new Service(`127.0.0.1:${grpcPort}`, credentials.createInsecure()) as unknown as Record<string, (request: unknown, metadata: Metadata, callback: (error: Error | null) => void) => void>;
  try {
    const client = new PlatformClient(server.url);
    await client.login(admin.username, admin.password);
    const token = await client.issueToken('bench-grpc');
    const id = await client.uploadModel(model.name, readFileSync(model.path), `${model.name}.onnx`, { task: 'classification' });
    await client.deploy(id, options.deployment);

    const shape = [1, 3, model.size, model.size];
    const values = Float32Array.from({ length: 3 * model.size * model.size }, (_, index) => ((index * 7919) % 255) / 255 - 0.5);
    const raw = Buffer.from(values.buffer);
    const url = `${server.url}/v2/models/${id}/infer`;
    const jsonBody = JSON.stringify({ inputs: [{ name: model.inputName, shape, datatype: 'FP32', data: Array.from(values) }] });
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: model.inputName, shape, datatype: 'FP32', parameters: { binary_data_size: raw.byteLength } }], outputs: [{ name: model.outputName, parameters: { binary_data: true } }] }));
    const binaryBody = new Uint8Array(Buffer.concat([header, raw]));
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const grpcRequest = { model_name: id, inputs: [{ name: model.inputName, datatype: 'FP32', shape }], raw_input_contents: [raw] };

    const rest = (body: string | Uint8Array, headers: Record<string, string>) => async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'X-Access-Token': token, ...headers }, body });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`v2 REST ${response.status}`);
    };
    const restJson = rest(jsonBody, { 'content-type': 'application/json' });
    const restBinary = rest(binaryBody, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) });
    const viaGrpc = () => new Promise<void>((resolve, reject) => grpc.ModelInfer(grpcRequest, metadata, (error) => (error ? reject(error) : resolve())));
    // Each path is checked once, then warmed, before it is measured.
    for (const send of [restJson, restBinary, viaGrpc]) {
      await send();
      await closedLoop(options.concurrency, Math.min(1, options.durationSeconds), send);
    }
    const row = {
      restJson: await closedLoop(options.concurrency, options.durationSeconds, restJson),
      restBinary: await closedLoop(options.concurrency, options.durationSeconds, restBinary),
      grpc: await closedLoop(options.concurrency, options.durationSeconds, viaGrpc),
    };
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
    return {
      model: model.name,
      concurrency: options.concurrency,
      durationSeconds: options.durationSeconds,
      ...row,
      ratio: { grpcVsRestJson: ratio(row.grpc.requestsPerSecond, row.restJson.requestsPerSecond), grpcVsRestBinary: ratio(row.grpc.requestsPerSecond, row.restBinary.requestsPerSecond) },
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nserver stderr: ${server.stderrTail()}`);
  } finally {
    (grpc as unknown as { close(): void }).close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderGrpcMarkdown(row: GrpcRow): string {
  const line = (name: string, result: PathResult) => `| ${name} | ${result.requestsPerSecond} | ${result.latencyMs.p50} | ${result.latencyMs.p99} | ${result.errors} |`;
  return [
    `#### Open Inference Protocol: gRPC beside REST (${row.model}, concurrency ${row.concurrency}, ${row.durationSeconds} s each)`,
    '',
    '| path | req/s | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: |',
    line('v2 REST, JSON tensors', row.restJson),
    line('v2 REST, binary tensor data', row.restBinary),
    line('gRPC ModelInfer, raw contents', row.grpc),
    '',
    `gRPC / REST JSON: **${row.ratio.grpcVsRestJson}×**; gRPC / REST binary: **${row.ratio.grpcVsRestBinary}×**.`,
    '',
  ].join('\n');
}
