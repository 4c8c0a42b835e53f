import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, status, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcServer } from '../../src/grpc/grpc-server.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { buildOnnxAdd, buildOnnxStringEcho, expectedAddOutput } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { checkGrpcError, checkGrpcMessage, v2Fetch } from '../helpers/oip-conformance.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const PROTO = join(import.meta.dirname, '..', '..', 'src', 'grpc', 'inference.proto');

interface GrpcResult {
  ok: boolean;
  message?: any;
  error?: { code: number; details: string; metadata: Metadata };
}

describe('Open Inference Protocol over gRPC (e2e, client generated at run time from the project proto)', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let admin: string;
  let client: any;

  /** Calls an RPC and checks the answer against the protocol schema (or the error status). */
  const call = (rpc: string, request: unknown, metadata = new Metadata()): Promise<GrpcResult> =>
    new Promise((resolve) => {
      client[rpc](request, metadata, (error: any, message: unknown) => {
        if (error) {
          checkGrpcError(error);
          resolve({ ok: false, error });
        } else {
          checkGrpcMessage(rpc, message);
          resolve({ ok: true, message });
        }
      });
    });
  const withToken = (kind: 'bearer' | 'header' = 'bearer', value = token) => {
    const metadata = new Metadata();
    if (kind === 'bearer') metadata.set('authorization', `Bearer ${value}`);
    else metadata.set('x-access-token', value);
    return metadata;
  };
  const f32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
  const errorCode = (result: GrpcResult) => result.error?.metadata.get('x-error-code')[0];

  beforeAll(async () => {
    t = await startTestApp({ GRPC_PORT: '0' });
    const port = await t.app.get(GrpcServer).start();
    work = mkdtempSync(join(tmpdir(), 'oip-grpc-e2e-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxAdd(join(work, 'add.onnx'));
    buildOnnxStringEcho(join(work, 'strings.onnx'));
    await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'adder' });
    await uploadAndDeploy(t.url, admin, { file: join(work, 'strings.onnx'), name: 'strings' });
    token = await issueAccessToken(t.url, admin);
    // What a stock client does: load the .proto at run time, no generated code.
    const definition = loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const Service = (loadPackageDefinition(definition).inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
    client = new Service(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('binds an ephemeral port when GRPC_PORT=0 and exposes it', () => {
    expect(t.app.get(GrpcServer).boundPort).toBeGreaterThan(0);
  });

  it('ServerLive, ServerReady and ServerMetadata are public and match REST', async () => {
    expect((await call('ServerLive', {})).message).toEqual({ live: true });
    expect((await call('ServerReady', {})).message).toEqual({ ready: true });
    const metadata = await call('ServerMetadata', {});
    const rest = await v2Fetch(t.url, '/v2');
    expect(metadata.message).toEqual(rest.body);
  });

  it('ModelMetadata and ModelReady take the access token as bearer or x-access-token metadata', async () => {
    const metadata = await call('ModelMetadata', { name: 'adder' }, withToken('bearer'));
    expect(metadata.message).toMatchObject({
      name: 'adder',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
    });
    expect(metadata.message.properties.id).toMatch(/.+/);
    expect((await call('ModelReady', { name: 'adder' }, withToken('header'))).message).toEqual({ ready: true });
    expect((await call('ModelReady', { name: 'adder', version: '1' }, withToken())).message).toEqual({ ready: true });
    const wrongVersion = await call('ModelMetadata', { name: 'adder', version: '3' }, withToken());
    expect([wrongVersion.error?.code, errorCode(wrongVersion)]).toEqual([status.NOT_FOUND, 'MODEL_VERSION_NOT_DEPLOYED']);
    const anonymous = await call('ModelMetadata', { name: 'adder' });
    expect([anonymous.error?.code, errorCode(anonymous)]).toEqual([status.UNAUTHENTICATED, 'ACCESS_TOKEN_MISSING']);
    const bogus = await call('ModelMetadata', { name: 'adder' }, withToken('bearer', 'mp_not-a-real-token'));
    expect(bogus.error?.code).toBe(status.UNAUTHENTICATED);
    const unknown = await call('ModelMetadata', { name: 'nope' }, withToken());
    expect([unknown.error?.code, errorCode(unknown)]).toEqual([status.NOT_FOUND, 'MODEL_NOT_FOUND']);
  });

  it('ModelInfer with raw_input_contents answers raw_output_contents, byte for byte', async () => {
    const values = [0.5, -2, 3, 1e3, 7, 8, 9, 10];
    const result = await call('ModelInfer', { model_name: 'adder', id: 'g-1', inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4] }], raw_input_contents: [f32(values)] }, withToken());
    expect(result.ok).toBe(true);
    expect(result.message).toMatchObject({ model_name: 'adder', model_version: '1', id: 'g-1', outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 4] }] });
    const raw: Buffer = result.message.raw_output_contents[0];
    expect(Array.from(new Float32Array(new Uint8Array(raw).buffer))).toEqual(Array.from(expectedAddOutput(values)));
  });

  it('ModelInfer with typed contents, BYTES and BOOL, output selection and a pinned version', async () => {
    const typed = await call('ModelInfer', { model_name: 'adder', model_version: '1', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }] }, withToken());
    expect(Array.from(new Float32Array(new Uint8Array(typed.message.raw_output_contents[0]).buffer))).toEqual([3, 5, 7, 9]);
    const strings = await call(
      'ModelInfer',
      {
        model_name: 'strings',
        inputs: [
          { name: 'text', datatype: 'BYTES', shape: [1, 2], contents: { bytes_contents: [Buffer.from('cat'), Buffer.from('çà')] } },
          { name: 'mask', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
        ],
        outputs: [{ name: 'echo' }],
      },
      withToken(),
    );
    expect(strings.message.outputs.map((output: { name: string }) => output.name)).toEqual(['echo']);
    const expected = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('cat'), Buffer.from([4, 0, 0, 0]), Buffer.from('çà')]);
    expect(strings.message.raw_output_contents[0]).toEqual(expected);
  });

  it('errors map onto gRPC statuses with the stable code in trailing metadata', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['bad shape', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3] }], raw_input_contents: [f32([1, 2, 3])] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['raw size', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3])] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['raw count', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3, 4]), f32([1])] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['mixed contents', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }], raw_input_contents: [f32([1, 2, 3, 4])] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['no inputs', { model_name: 'adder', inputs: [] }, status.INVALID_ARGUMENT, 'VALIDATION_FAILED'],
      ['unknown datatype', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP8', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3, 4])] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['unknown output', { model_name: 'adder', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }], outputs: [{ name: 'z' }] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['bad priority', { model_name: 'adder', parameters: { priority: { string_param: 'high' } }, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }] }, status.INVALID_ARGUMENT, 'VALIDATION_FAILED'],
      ['unknown model', { model_name: 'nope', inputs: [] }, status.NOT_FOUND, 'MODEL_NOT_FOUND'],
      ['wrong version', { model_name: 'adder', model_version: '2', inputs: [] }, status.NOT_FOUND, 'MODEL_VERSION_NOT_DEPLOYED'],
    ];
    for (const [what, request, code, stable] of cases) {
      const result = await call('ModelInfer', request, withToken());
      expect([result.error?.code, errorCode(result)], what).toEqual([code, stable]);
    }
    const restricted = await issueAccessToken(t.url, admin, ['some-other-model']);
    const forbidden = await call('ModelInfer', { model_name: 'adder', inputs: [] }, withToken('bearer', restricted));
    expect([forbidden.error?.code, errorCode(forbidden)]).toEqual([status.PERMISSION_DENIED, 'MODEL_NOT_ALLOWED']);
  });

  it('the same queue and limits as REST: a full queue is UNAVAILABLE with retry-after; the same statistics count it', async () => {
    const id = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'grpc-tiny', overrides: { queue: { maxSize: 1 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } } });
    const request = { model_name: 'grpc-tiny', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([0, 0, 0, 0])] };
    const held = t.app.get(DeploymentManager).get(id)!.runtime.admit(1);
    try {
      const full = await call('ModelInfer', request, withToken());
      expect([full.error?.code, errorCode(full)]).toEqual([status.UNAVAILABLE, 'QUEUE_FULL']);
      expect(Number(full.error?.metadata.get('retry-after')[0])).toBeGreaterThanOrEqual(1);
    } finally {
      held.release();
    }
    for (let i = 0; i < 2; i++) expect((await call('ModelInfer', request, withToken())).ok).toBe(true);
    const stats = await v2Fetch(t.url, '/v2/models/grpc-tiny/stats', { headers: { 'X-Access-Token': token } });
    expect(stats.body.model_stats[0].inference_stats.success.count).toBe(2);
    expect(stats.body.model_stats[0].inference_stats.fail.count).toBe(1);
    const metrics = (await (await fetch(`${t.url}/metrics`)).text()) as string;
    expect(metrics).toMatch(/modelport_grpc_requests_total\{method="ModelInfer",code="OK"\} [1-9]/);
    expect(metrics).toMatch(/modelport_grpc_requests_total\{method="ModelInfer",code="UNAVAILABLE"\} [1-9]/);
    expect(metrics).toMatch(new RegExp(`modelport_inference_requests_total\\{model="${id}",outcome="success"\\} 2`));
  });
});
