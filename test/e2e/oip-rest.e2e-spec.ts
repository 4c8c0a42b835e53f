import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { buildOnnxAdd, buildOnnxClassifier, buildOnnxStringEcho, buildOnnxTwoInputs, expectedAddOutput, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { binaryBody, errorCode as code, v2Fetch } from '../helpers/oip-conformance.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const bytesElements = (values: string[]) =>
  Buffer.concat(
    values.flatMap((value) => {
      const text = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.byteLength);
      return [length, text];
    }),
  );

describe('Open Inference Protocol over REST (e2e)', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let admin: string;
  let addId: string;
  const v2 = (path: string, init: Parameters<typeof v2Fetch>[2] = {}) => v2Fetch(t.url, `/v2${path}`, init);
  const bearer = () => ({ Authorization: `Bearer ${token}` });
  const post = (path: string, json: unknown) => v2(path, { method: 'POST', headers: bearer(), json });
  const addInput = (data = [1, 2, 3, 4]) => ({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data }] });

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'oip-rest-e2e-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxAdd(join(work, 'add.onnx'));
    buildOnnxClassifier(join(work, 'cls.onnx'), { size: 16, classes: 3 });
    buildOnnxStringEcho(join(work, 'strings.onnx'));
    addId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'adder' });
    await uploadAndDeploy(t.url, admin, { file: join(work, 'cls.onnx'), name: 'cls', config: { task: 'classification' } });
    await uploadAndDeploy(t.url, admin, { file: join(work, 'strings.onnx'), name: 'strings' });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('server metadata lists exactly the extensions implemented; health is public', async () => {
    const server = await v2('');
    expect(server.status).toBe(200);
    expect(server.body).toEqual({ name: 'modelport', version: expect.stringMatching(/^\d+\.\d+\.\d+/), extensions: ['binary_tensor_data', 'model_repository', 'statistics'] });
    expect(await v2('/health/live')).toMatchObject({ status: 200, body: { live: true } });
    expect(await v2('/health/ready')).toMatchObject({ status: 200, body: { ready: true } });
  });

  it('model metadata by name or id, versioned and unversioned: platform, versions, datatypes, -1 for dynamic dims', async () => {
    const expected = {
      name: 'adder',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
    };
    const byName = await v2('/models/adder', { headers: bearer() });
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject(expected);
    expect((await v2(`/models/${addId}`, { headers: { 'X-Access-Token': token } })).body).toMatchObject(expected);
    expect((await v2('/models/adder/versions/1', { headers: bearer() })).body).toMatchObject(expected);
    expect((await v2('/models/adder/ready', { headers: bearer() })).body).toEqual({ name: 'adder', ready: true });
    expect((await v2('/models/adder/versions/1/ready', { headers: bearer() })).body).toEqual({ name: 'adder', ready: true });
    const strings = await v2('/models/strings', { headers: bearer() });
    expect(strings.body.inputs).toEqual([
      { name: 'text', datatype: 'BYTES', shape: [-1, 2] },
      { name: 'mask', datatype: 'BOOL', shape: [-1, 2] },
    ]);
    for (const path of ['/models/adder/versions/7', '/models/adder/versions/7/ready', '/models/adder/versions/x1']) {
      const other = await v2(path, { headers: bearer() });
      expect([other.status, code(other)], path).toEqual([404, 'MODEL_VERSION_NOT_DEPLOYED']);
    }
  });

  it('infer on y = 2x + 1: exact outputs, id echoed, nested data, versioned route, parameters', async () => {
    const data = [0.5, -2, 3, 1e3, 7, 8, 9, 10];
    const res = await post('/models/adder/infer', { id: 'req-42', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data }], outputs: [{ name: 'y' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ model_name: 'adder', model_version: '1', id: 'req-42', outputs: [{ name: 'y', shape: [2, 4], datatype: 'FP32', data: Array.from(expectedAddOutput(data)) }] });
    const nested = await post(`/models/${addId}/infer`, { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [data.slice(0, 4), data.slice(4)] }] });
    expect(nested.body.outputs[0].data).toEqual(Array.from(expectedAddOutput(data)));
    expect(nested.body.id).toBeUndefined();
    expect((await post('/models/adder/versions/1/infer', addInput())).body.outputs[0].data).toEqual([3, 5, 7, 9]);
    const prioritised = await post('/models/adder/infer', { parameters: { priority: 5, timeoutMs: 1000, unrelated: 'ignored' }, ...addInput([0, 0, 0, 0]) });
    expect(prioritised.body.outputs[0].data).toEqual([1, 1, 1, 1]);
  });

  it('BYTES and BOOL tensors in JSON', async () => {
    const res = await post('/models/strings/infer', {
      inputs: [
        { name: 'text', shape: [2, 2], datatype: 'BYTES', data: [['cat', 'dog'], ['', 'ünïcode ✓']] },
        { name: 'mask', shape: [2, 2], datatype: 'BOOL', data: [true, false, false, true] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual([
      { name: 'echo', shape: [2, 2], datatype: 'BYTES', data: ['cat', 'dog', '', 'ünïcode ✓'] },
      { name: 'flags', shape: [2, 2], datatype: 'BOOL', data: [false, true, true, false] },
    ]);
    const only = await post('/models/strings/infer', { inputs: res.body.outputs.map((o: { name: string }, i: number) => ({ ...res.body.outputs[i], name: i === 0 ? 'text' : 'mask' })), outputs: [{ name: 'flags' }] });
    expect(only.body.outputs.map((o: { name: string }) => o.name)).toEqual(['flags']);
    const numbersAsBytes = await post('/models/strings/infer', { inputs: [{ name: 'text', shape: [1, 2], datatype: 'BYTES', data: [1, 2] }, { name: 'mask', shape: [1, 2], datatype: 'BOOL', data: [true, true] }] });
    expect([numbersAsBytes.status, code(numbersAsBytes)]).toEqual([400, 'INVALID_INPUT']);
  });

  it('runs an image model on v2 tensors (raw outputs)', async () => {
    const res = await post('/models/cls/infer', { inputs: [{ name: 'input', shape: [1, 3, 16, 16], datatype: 'FP32', data: new Array(768).fill(0.2) }] });
    expect(res.status).toBe(200);
    expect(res.body.outputs[0]).toMatchObject({ name: 'probabilities', shape: [1, 3], datatype: 'FP32' });
  });

  describe('binary tensor data extension', () => {
    it('binary inputs and binary outputs, byte for byte', async () => {
      const values = [0.5, -2, 3, 1e3];
      const { body, headers } = binaryBody(
        { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }], outputs: [{ name: 'y', parameters: { binary_data: true } }] },
        [f32(values)],
      );
      const res = await v2('/models/adder/infer', { method: 'POST', headers: { ...bearer(), ...headers }, body });
      expect(res.status).toBe(200);
      expect(res.body.outputs).toEqual([{ name: 'y', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }]);
      expect(Array.from(new Float32Array(new Uint8Array(res.binary!).buffer))).toEqual(Array.from(expectedAddOutput(values)));
    });

    it('mixes JSON and binary inputs, and JSON and binary outputs, in one request', async () => {
      const { body, headers } = binaryBody(
        {
          inputs: [
            { name: 'text', shape: [1, 2], datatype: 'BYTES', parameters: { binary_data_size: 4 + 3 + 4 + 5 } },
            { name: 'mask', shape: [1, 2], datatype: 'BOOL', data: [true, false] },
          ],
          parameters: { binary_data_output: true },
          outputs: [{ name: 'echo' }, { name: 'flags', parameters: { binary_data: false } }],
        },
        [bytesElements(['cat', 'zebra'])],
      );
      const res = await v2('/models/strings/infer', { method: 'POST', headers: { ...bearer(), ...headers }, body });
      expect(res.status).toBe(200);
      expect(res.body.outputs).toEqual([
        { name: 'echo', shape: [1, 2], datatype: 'BYTES', parameters: { binary_data_size: 16 } },
        { name: 'flags', shape: [1, 2], datatype: 'BOOL', data: [false, true] },
      ]);
      expect(res.binary).toEqual(bytesElements(['cat', 'zebra']));
      const boolRaw = binaryBody(
        { inputs: [{ name: 'text', shape: [1, 2], datatype: 'BYTES', data: ['a', 'b'] }, { name: 'mask', shape: [1, 2], datatype: 'BOOL', parameters: { binary_data_size: 2 } }], outputs: [{ name: 'flags', parameters: { binary_data: true } }] },
        [new Uint8Array([1, 0])],
      );
      const raw = await v2('/models/strings/infer', { method: 'POST', headers: { ...bearer(), ...boolRaw.headers }, body: boolRaw.body });
      expect(Array.from(raw.binary!)).toEqual([0, 1]);
    });

    it('an octet-stream body without the header length is all JSON', async () => {
      const res = await v2('/models/adder/infer', { method: 'POST', headers: { ...bearer(), 'content-type': 'application/octet-stream' }, body: JSON.stringify(addInput()) });
      expect(res.body.outputs[0].data).toEqual([3, 5, 7, 9]);
    });

    it('refuses malformed binary requests with 400 and the protocol error body', async () => {
      const header = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] };
      const good = binaryBody(header, [f32([1, 2, 3, 4])]);
      const cases: Array<[string, Buffer, Record<string, string>]> = [
        ['header longer than body', good.body, { ...good.headers, 'inference-header-content-length': String(good.body.byteLength + 1) }],
        ['header length not a number', good.body, { ...good.headers, 'inference-header-content-length': '12abc' }],
        ['header length zero', good.body, { ...good.headers, 'inference-header-content-length': '0' }],
        ['binary cut short', good.body.subarray(0, good.body.byteLength - 1), good.headers],
        ['trailing bytes nobody claims', Buffer.concat([good.body, Buffer.from([1, 2])]), good.headers],
        ['header is not JSON', Buffer.from('{not json'), { 'content-type': 'application/octet-stream', 'inference-header-content-length': '9' }],
        ['size does not match the shape', binaryBody({ inputs: [{ ...header.inputs[0], parameters: { binary_data_size: 12 } }] }, [f32([1, 2, 3])]).body, binaryBody({ inputs: [{ ...header.inputs[0], parameters: { binary_data_size: 12 } }] }, [f32([1, 2, 3])]).headers],
        ['both data and binary_data_size', ...Object.values(binaryBody({ inputs: [{ ...header.inputs[0], data: [1, 2, 3, 4] }] }, [f32([1, 2, 3, 4])])) as [Buffer, Record<string, string>]],
        ['negative binary_data_size', ...Object.values(binaryBody({ inputs: [{ ...header.inputs[0], parameters: { binary_data_size: -4 } }] }, [])) as [Buffer, Record<string, string>]],
        ['neither data nor size', ...Object.values(binaryBody({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32' }] }, [])) as [Buffer, Record<string, string>]],
      ];
      for (const [what, body, headers] of cases) {
        const res = await v2('/models/adder/infer', { method: 'POST', headers: { ...bearer(), ...headers }, body });
        expect(res.status, what).toBe(400);
      }
      const bytesCases: Array<[string, Buffer]> = [
        ['BYTES length prefix cut short', Buffer.from([3, 0])],
        ['BYTES element longer than the data', Buffer.from([9, 0, 0, 0, 65])],
        ['BYTES not UTF-8', Buffer.concat([bytesElements(['ok']), Buffer.from([2, 0, 0, 0, 0xff, 0xfe])])],
        ['BYTES with too few elements', bytesElements(['only-one'])],
      ];
      for (const [what, raw] of bytesCases) {
        const { body, headers } = binaryBody({ inputs: [{ name: 'text', shape: [1, 2], datatype: 'BYTES', parameters: { binary_data_size: raw.byteLength } }, { name: 'mask', shape: [1, 2], datatype: 'BOOL', data: [true, true] }] }, [raw]);
        const res = await v2('/models/strings/infer', { method: 'POST', headers: { ...bearer(), ...headers }, body });
        expect([res.status, code(res)], what).toEqual([400, 'INVALID_INPUT']);
      }
      // Binary tensor data needs the octet-stream type; a JSON body cannot carry it.
      const mislabelled = await v2('/models/adder/infer', { method: 'POST', headers: { ...bearer(), 'inference-header-content-length': '10' }, json: addInput() });
      expect(mislabelled.status).toBe(400);
    });

    it('raw bytes are accepted only on the v2 inference routes', async () => {
      const res = await fetch(`${t.url}/api/v1/internal/auth/login`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('{}') });
      expect(res.status).toBe(415);
      const metadata = await v2('/repository/index', { method: 'POST', headers: { 'X-Auth-Token': admin, 'content-type': 'application/octet-stream' }, body: Buffer.from('{}') });
      expect(metadata.status).toBe(415);
    });
  });

  it('errors are exactly {"error": message} with the protocol statuses; the stable code is in X-Error-Code', async () => {
    const unknownModel = await post('/models/nope/infer', { inputs: [] });
    expect([unknownModel.status, code(unknownModel)]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect(Object.keys(unknownModel.body)).toEqual(['error']);
    expect(unknownModel.headers.get('x-request-id')).toBeTruthy();
    const wrongVersion = await post('/models/adder/versions/2/infer', addInput());
    expect([wrongVersion.status, code(wrongVersion)]).toEqual([404, 'MODEL_VERSION_NOT_DEPLOYED']);
    const bad: Array<[string, unknown, string]> = [
      ['bad shape', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 'INVALID_INPUT'],
      ['len(data) != prod(shape)', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3] }] }, 'INVALID_INPUT'],
      ['wrong datatype', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] }, 'INVALID_INPUT'],
      ['unknown datatype', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP8', data: [1, 2, 3, 4] }] }, 'INVALID_INPUT'],
      ['unknown output', { ...addInput(), outputs: [{ name: 'z' }] }, 'INVALID_INPUT'],
      ['output twice', { ...addInput(), outputs: [{ name: 'y' }, { name: 'y' }] }, 'INVALID_INPUT'],
      ['unknown input', { inputs: [{ name: 'q', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'INVALID_INPUT'],
      ['inputs not an array', { inputs: 'x' }, 'VALIDATION_FAILED'],
      ['no inputs', { inputs: [] }, 'VALIDATION_FAILED'],
      ['fractional priority', { parameters: { priority: 1.5 }, ...addInput() }, 'VALIDATION_FAILED'],
      ['string in FP32', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 'two', 3, 4] }] }, 'INVALID_INPUT'],
      ['too deep', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [[[[[[[[[[[1]]]]]]]]]]] }] }, 'INVALID_INPUT'],
    ];
    for (const [what, json, expected] of bad) {
      const res = await post('/models/adder/infer', json);
      expect([res.status, code(res)], what).toEqual([400, expected]);
    }
    const invalidJson = await v2('/models/adder/infer', { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{"inputs": [' });
    expect([invalidJson.status, code(invalidJson)]).toEqual([400, 'INVALID_JSON']);
    const noToken = await v2('/models/adder/infer', { method: 'POST', json: addInput() });
    expect(noToken.status).toBe(401);
    expect(code(noToken)).toMatch(/^ACCESS_TOKEN/);
    expect((await v2('/models/adder')).status).toBe(401);
    const restricted = await issueAccessToken(t.url, admin, [addId]);
    const forbidden = await v2('/models/cls', { headers: { 'X-Access-Token': restricted } });
    expect([forbidden.status, code(forbidden)]).toEqual([403, 'MODEL_NOT_ALLOWED']);
  });

  it('503 with Retry-After when the model is not deployed or its queue is full', async () => {
    const form = new FormData();
    form.append('name', 'stored-only');
    form.append('file', new Blob([new Uint8Array(readFileSync(join(work, 'add.onnx')))]), 'add.onnx');
    const uploaded = await fetch(`${t.url}/api/v1/internal/models`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: form });
    expect(uploaded.status).toBe(201);
    for (const path of ['/models/stored-only/infer', '/models/stored-only/ready', '/models/stored-only']) {
      const res = path.endsWith('infer') ? await post(path, addInput()) : await v2(path, { headers: bearer() });
      expect([res.status, code(res)], path).toEqual([503, 'MODEL_NOT_DEPLOYED']);
      expect(Number(res.headers.get('retry-after')), path).toBeGreaterThanOrEqual(1);
    }
    const id = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'tiny-queue', overrides: { queue: { maxSize: 1 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } } });
    const held = t.app.get(DeploymentManager).get(id)!.runtime.admit(1);
    try {
      const full = await post('/models/tiny-queue/infer', addInput());
      expect([full.status, code(full)]).toEqual([503, 'QUEUE_FULL']);
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      held.release();
    }
    expect((await post('/models/tiny-queue/infer', addInput())).status).toBe(200);
  });

  it('a TF.js layers model: tensorflow_tfjs platform, NHWC images over REST and tensors over v2', async () => {
    const dir = join(work, 'tfjs');
    await writeTfjsLayersModel(dir, { size: 8, classes: 3 });
    const zip = await zipDirectory(dir, join(work, 'tfjs.zip'));
    const id = await uploadAndDeploy(t.url, admin, { file: zip, name: 'tfjs-cls', config: { task: 'classification' } });
    const metadata = await v2('/models/tfjs-cls', { headers: bearer() });
    expect(metadata.body).toMatchObject({ platform: 'tensorflow_tfjs', inputs: [{ datatype: 'FP32', shape: [-1, 8, 8, 3] }] });
    const rest = await infer(t.url, token, id, { body: imageForm([chelseaPng()]) });
    expect(rest.body.results[0].predictions).toHaveLength(3);
    const tensor = await post('/models/tfjs-cls/infer', { inputs: [{ name: metadata.body.inputs[0].name, shape: [1, 8, 8, 3], datatype: 'FP32', data: new Array(192).fill(0.5) }] });
    expect(tensor.body.outputs[0].shape).toEqual([1, 3]);
    expect(tensor.body.outputs[0].data.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('two inputs with different datatypes (FP32 + INT64)', async () => {
    const model = buildOnnxTwoInputs(join(work, 'two.onnx'));
    await uploadAndDeploy(t.url, admin, { file: model.path, name: 'two-inputs' });
    const metadata = await v2('/models/two-inputs', { headers: bearer() });
    expect(metadata.body.inputs).toEqual([
      { name: 'a', datatype: 'FP32', shape: [-1, 3] },
      { name: 'shift', datatype: 'INT64', shape: [-1, 1] },
    ]);
    const json = await post('/models/two-inputs/infer', { inputs: [{ name: 'a', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }, { name: 'shift', shape: [2, 1], datatype: 'INT64', data: [10, -1] }] });
    expect(json.body.outputs).toEqual([{ name: 'sum', shape: [2, 3], datatype: 'FP32', data: [11, 12, 13, 3, 4, 5] }]);
    const { body, headers } = binaryBody(
      { inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', data: [0, 0, 0] }, { name: 'shift', shape: [1, 1], datatype: 'INT64', parameters: { binary_data_size: 8 } }] },
      [new Uint8Array(BigInt64Array.from([-7n]).buffer)],
    );
    const raw = await v2('/models/two-inputs/infer', { method: 'POST', headers: { ...bearer(), ...headers }, body });
    expect(raw.body.outputs[0].data).toEqual([-7, -7, -7]);
  });
});
