import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd, buildOnnxClassifier, buildOnnxDetector, expectedAddOutput } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { animatedGif, jpegWithHugeExif, pngClaimingSize } from '../serving/hostile-images.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const MODELS = '/api/v1/internal/models';

describe('inference over HTTP: body kinds, options, results and errors', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let classifierId: string;
  let addId: string;
  const labels = ['cat', 'dog', 'cup', 'car', 'tree'];

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'inference-e2e-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 5 });
    buildOnnxAdd(join(work, 'add.onnx'));
    classifierId = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'classifier.onnx'),
      name: 'classifier',
      config: { task: 'classification', postprocess: { labels, topK: 3 } },
    });
    addId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'add' });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('classifies a multipart image: topK sorted predictions with labels, timing and ids', async () => {
    const res = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]), headers: { 'X-Request-Id': 'req-cls-1' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ modelId: classifierId, version: 1, requestId: 'req-cls-1' });
    const [result] = res.body.results;
    expect(result.predictions).toHaveLength(3);
    const scores = result.predictions.map((p: { score: number }) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const prediction of result.predictions) expect(prediction.label).toBe(labels[prediction.index]);
    expect(Object.keys(res.body.timing).sort()).toEqual(['inferenceMs', 'postprocessMs', 'preprocessMs', 'queueMs', 'totalMs']);
    for (const value of Object.values(res.body.timing)) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('answers several images in order, each equal to its single-image answer', async () => {
    const [cat, cup] = await Promise.all([
      infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]) }),
      infer(t.url, token, classifierId, { body: imageForm([coffeePng()]) }),
    ]);
    const both = await infer(t.url, token, classifierId, { body: imageForm([coffeePng(), chelseaPng()]) });
    expect(both.status).toBe(200);
    expect(both.body.results).toHaveLength(2);
    expect(both.body.results[0].predictions.map((p: { index: number }) => p.index)).toEqual(cup.body.results[0].predictions.map((p: { index: number }) => p.index));
    expect(both.body.results[1].predictions.map((p: { index: number }) => p.index)).toEqual(cat.body.results[0].predictions.map((p: { index: number }) => p.index));
    expect(both.body.results[1].predictions[0].score).toBeCloseTo(cat.body.results[0].predictions[0].score, 5);
  });

  it('accepts JSON base64 images (plain and data URL) and JSON image lists, by model name too', async () => {
    const single = await infer(t.url, token, classifierId, { json: { image: chelseaPng().toString('base64') } });
    expect(single.status, JSON.stringify(single.body)).toBe(200);
    const multipart = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]) });
    expect(single.body.results[0]).toEqual(multipart.body.results[0]);
    const list = await infer(t.url, token, 'classifier', {
      json: { images: [`data:image/png;base64,${coffeePng().toString('base64')}`, chelseaPng().toString('base64')], topK: 2 },
    });
    expect(list.status).toBe(200);
    expect(list.body.modelId).toBe(classifierId);
    expect(list.body.results.map((r: { predictions: unknown[] }) => r.predictions.length)).toEqual([2, 2]);
  });

  it('runs JSON tensors with exact outputs (several rows in one request)', async () => {
    const data = [1, 2, 3, 4, -1, 0.5, 0, 100, 7, 8, 9, 10];
    const res = await infer(t.url, token, addId, { json: { inputs: { x: { shape: [3, 4], dtype: 'float32', data } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results).toEqual([{ outputs: { y: { shape: [3, 4], dtype: 'float32', data: Array.from(expectedAddOutput(data)) } } }]);
  });

  it('tensor requests to a classifier give predictions, or raw outputs with output=raw', async () => {
    const input = { shape: [1, 3, 32, 32], dtype: 'float32', data: new Array(3 * 32 * 32).fill(0.5) };
    const predicted = await infer(t.url, token, classifierId, { json: { inputs: { input } } });
    expect(predicted.status, JSON.stringify(predicted.body)).toBe(200);
    expect(predicted.body.results[0].predictions).toHaveLength(3);
    const twoRows = await infer(t.url, token, classifierId, {
      json: { inputs: { input: { shape: [2, 3, 32, 32], data: [...input.data, ...new Array(3 * 32 * 32).fill(-0.5)] } }, topK: 5 },
    });
    expect(twoRows.status, JSON.stringify(twoRows.body)).toBe(200);
    expect(twoRows.body.results).toHaveLength(2);
    expect(twoRows.body.results[0].predictions).toEqual(
      (await infer(t.url, token, classifierId, { json: { inputs: { input }, topK: 5 } })).body.results[0].predictions,
    );
    for (const result of twoRows.body.results) {
      expect(result.predictions).toHaveLength(5);
      expect(result.predictions.reduce((sum: number, p: { score: number }) => sum + p.score, 0)).toBeCloseTo(1, 4);
    }
    const raw = await infer(t.url, token, classifierId, { json: { inputs: { input }, output: 'raw' } });
    expect(raw.body.results[0].outputs.probabilities).toMatchObject({ shape: [1, 5], dtype: 'float32' });
    const sum = raw.body.results[0].outputs.probabilities.data.reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
  });

  it('honours options from the query, form fields and JSON, and validates them', async () => {
    const queryTopK = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]), query: 'topK=1&priority=3&timeoutMs=5000' });
    expect(queryTopK.body.results[0].predictions).toHaveLength(1);
    const fieldTopK = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()], { topK: '5' }) });
    expect(fieldTopK.body.results[0].predictions).toHaveLength(5);
    const raw = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]), query: 'output=raw' });
    expect(raw.body.results[0].outputs.probabilities.shape).toEqual([1, 5]);
    for (const query of ['topK=0', 'topK=abc', 'priority=1.5', 'output=pretty', 'scoreThreshold=2', 'timeoutMs=0']) {
      const bad = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]), query });
      expect([bad.status, bad.body.error.code], query).toEqual([400, 'VALIDATION_FAILED']);
    }
    const unknownField = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()], { colour: 'red' }) });
    expect([unknownField.status, unknownField.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownKey = await infer(t.url, token, classifierId, { json: { image: chelseaPng().toString('base64'), extra: 1 } });
    expect([unknownKey.status, unknownKey.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('404 MODEL_NOT_FOUND, 409 MODEL_NOT_DEPLOYED, 401 without a token', async () => {
    const missing = await infer(t.url, token, 'no-such-model', { body: imageForm([chelseaPng()]) });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    const form = new FormData();
    form.append('name', 'stored-only');
    form.append('file', new Blob([new Uint8Array((await import('node:fs')).readFileSync(join(work, 'add.onnx')))]), 'add.onnx');
    const stored = await request(`${t.url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: form });
    expect(stored.status).toBe(201);
    const notDeployed = await infer(t.url, token, 'stored-only', { json: { inputs: { x: { shape: [1, 4], data: [1, 2, 3, 4] } } } });
    expect([notDeployed.status, notDeployed.body.error.code]).toEqual([409, 'MODEL_NOT_DEPLOYED']);
    const anonymous = await request(`${t.url}/api/v1/inference/${classifierId}`, { method: 'POST', body: imageForm([chelseaPng()]) });
    expect(anonymous.status).toBe(401);
    // JSON bodies are read only once the request is admitted: these refusals come before parsing.
    const unparsable = { body: '{"image": "iVBOR', headers: { 'content-type': 'application/json' } };
    const missingJson = await infer(t.url, token, 'no-such-model', unparsable);
    expect([missingJson.status, missingJson.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    const notDeployedJson = await infer(t.url, token, 'stored-only', unparsable);
    expect([notDeployedJson.status, notDeployedJson.body.error.code]).toEqual([409, 'MODEL_NOT_DEPLOYED']);
    const anonymousJson = await request(`${t.url}/api/v1/inference/${classifierId}`, { method: 'POST', ...unparsable });
    expect(anonymousJson.status).toBe(401);
    // Once admitted, the same body is parsed and refused as not JSON.
    const admittedJson = await infer(t.url, token, classifierId, unparsable);
    expect([admittedJson.status, admittedJson.body.error.code]).toEqual([400, 'INVALID_JSON']);
  });

  it('documents the inference and v2 routes with the access-token scheme', async () => {
    const spec = await request(`${t.url}/docs-json`);
    expect(spec.body.paths['/api/v1/inference/{modelId}'].post.security).toEqual([{ 'X-Access-Token': [] }]);
    expect(spec.body.paths['/v2/models/{name}/infer'].post.security).toEqual([{ 'X-Access-Token': [] }]);
    expect(spec.body.paths['/v2/health/live'].get.security).toBeUndefined();
    const jsonSchema = spec.body.paths['/api/v1/inference/{modelId}'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(jsonSchema.properties)).toEqual(expect.arrayContaining(['image', 'images', 'inputs', 'topK', 'priority', 'timeoutMs']));
  });

  it('415 for bodies that are neither multipart nor JSON', async () => {
    const text = await infer(t.url, token, classifierId, { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const jpeg = await infer(t.url, token, classifierId, { body: chelseaPng().toString('latin1'), headers: { 'content-type': 'image/png' } });
    expect([jpeg.status, jpeg.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('400 INVALID_INPUT for tensors that do not match the signature', async () => {
    const cases: Array<[string, unknown]> = [
      ['unknown name', { inputs: { nope: { shape: [1, 4], dtype: 'float32', data: [1, 2, 3, 4] } } }],
      ['wrong rank', { inputs: { x: { shape: [4], dtype: 'float32', data: [1, 2, 3, 4] } } }],
      ['wrong fixed dim', { inputs: { x: { shape: [1, 5], dtype: 'float32', data: [1, 2, 3, 4, 5] } } }],
      ['wrong dtype', { inputs: { x: { shape: [1, 4], dtype: 'int64', data: [1, 2, 3, 4] } } }],
      ['length mismatch', { inputs: { x: { shape: [2, 4], dtype: 'float32', data: [1, 2, 3, 4] } } }],
      ['non-numbers', { inputs: { x: { shape: [1, 4], dtype: 'float32', data: [1, 'a', 3, 4] } } }],
      ['data not an array', { inputs: { x: { shape: [1, 4], dtype: 'float32', data: 'abcd' } } }],
      ['negative dims', { inputs: { x: { shape: [-1, 4], dtype: 'float32', data: [] } } }],
      ['zero rows', { inputs: { x: { shape: [0, 4], dtype: 'float32', data: [] } } }],
      ['no inputs', { inputs: {} }],
      ['nothing', {}],
      ['two kinds', { image: 'aGVsbG8=', inputs: { x: { shape: [1, 4], data: [1, 2, 3, 4] } } }],
    ];
    for (const [label, json] of cases) {
      const res = await infer(t.url, token, addId, { json });
      expect([res.status, res.body.error?.code], label).toEqual([400, 'INVALID_INPUT']);
    }
    const imagesToTensorModel = await infer(t.url, token, addId, { body: imageForm([chelseaPng()]) });
    expect([imagesToTensorModel.status, imagesToTensorModel.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const tooManyRows = await infer(t.url, token, addId, { json: { inputs: { x: { shape: [9, 4], data: new Array(36).fill(1) } } } });
    expect([tooManyRows.status, tooManyRows.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const arrayBody = await infer(t.url, token, addId, { json: [1, 2, 3] });
    expect(arrayBody.status).toBe(400);
    const badJson = await infer(t.url, token, addId, { body: '{"inputs":', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
  });

  it('400 INVALID_IMAGE for hostile images; the server keeps serving', async () => {
    const truncated = chelseaPng().subarray(0, 5000);
    const textAsJpeg = { bytes: Buffer.from('this is just some text, not a JPEG\n'), filename: 'photo.jpg', type: 'image/jpeg' };
    const hostile: Array<[string, ReturnType<typeof imageForm>]> = [
      ['truncated PNG', imageForm([truncated])],
      ['zero bytes', imageForm([Buffer.alloc(0)])],
      ['text named .jpg', imageForm([textAsJpeg])],
      ['30000x30000 header', imageForm([pngClaimingSize(30000, 30000)])],
      ['SVG', imageForm([{ bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), filename: 'a.svg' }])],
    ];
    for (const [label, body] of hostile) {
      const res = await infer(t.url, token, classifierId, { body });
      expect([res.status, res.body.error?.code], label).toEqual([400, 'INVALID_IMAGE']);
    }
    const exif = await infer(t.url, token, classifierId, { body: imageForm([await jpegWithHugeExif(13 * 1024 * 1024)]) });
    expect([exif.status, exif.body.error.code, exif.body.error.details?.maxMetadataBytes]).toEqual([400, 'INVALID_IMAGE', 1024 * 1024]);
    const bomb = await infer(t.url, token, classifierId, { body: imageForm([pngClaimingSize(30000, 30000)]) });
    expect(bomb.body.error.details).toMatchObject({ width: 30000, height: 30000 });
    const badBase64 = await infer(t.url, token, classifierId, { json: { image: '***not base64***' } });
    expect([badBase64.status, badBase64.body.error.code]).toEqual([400, 'INVALID_IMAGE']);
    const secondBad = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng(), truncated]) });
    expect([secondBad.status, secondBad.body.error.code, secondBad.body.error.details?.index]).toEqual([400, 'INVALID_IMAGE', 1]);
    const stillUp = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]) });
    expect(stillUp.status).toBe(200);
  });

  it('hostile multipart forms are refused cleanly', async () => {
    const wrongField = new FormData();
    wrongField.append('file', new Blob([new Uint8Array(chelseaPng())]), 'cat.png');
    const wrong = await infer(t.url, token, classifierId, { body: wrongField });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const noImage = new FormData();
    noImage.append('topK', '2');
    const empty = await infer(t.url, token, classifierId, { body: noImage });
    expect([empty.status, empty.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const broken = await infer(t.url, token, classifierId, {
      body: '--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nnot closed',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect([broken.status, broken.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const noBoundary = await infer(t.url, token, classifierId, { body: 'whatever', headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.status).toBeGreaterThanOrEqual(400);
    expect(noBoundary.status).toBeLessThan(500);
    const tooManyFields = imageForm([chelseaPng()], Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'])));
    const fields = await infer(t.url, token, classifierId, { body: tooManyFields });
    expect([fields.status, fields.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
  });

  it('accepts an animated GIF (first frame), JPEG, WebP, TIFF and EXIF-rotated images', async () => {
    const photo = chelseaPng();
    const images = [
      { bytes: await animatedGif(), filename: 'anim.gif' },
      { bytes: await sharp(photo).jpeg().toBuffer(), filename: 'a.jpg' },
      { bytes: await sharp(photo).webp().toBuffer(), filename: 'a.webp' },
      { bytes: await sharp(photo).tiff().toBuffer(), filename: 'a.tiff' },
      { bytes: await sharp(photo).withMetadata({ orientation: 6 }).jpeg().toBuffer(), filename: 'rotated.jpg' },
      { bytes: await sharp(photo).greyscale().png().toBuffer(), filename: 'grey.png' },
    ];
    const res = await infer(t.url, token, classifierId, { body: imageForm(images) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results).toHaveLength(images.length);
  });

  it('feeds single-channel models a grey image', async () => {
    const grey = buildOnnxClassifier(join(work, 'grey.onnx'), { size: 24, channels: 1, classes: 3 });
    const id = await uploadAndDeploy(t.url, admin, { file: grey.path, name: 'grey-classifier', config: { task: 'classification' } });
    const res = await infer(t.url, token, id, { body: imageForm([chelseaPng()]) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results[0].predictions).toHaveLength(3);
  });

  it('maps letterboxed YOLOv8 detections back to original image pixels', async () => {
    // coffee.png is 600x400; into 640x640 it scales by 640/600 and is padded 106 px top.
    const s = 640 / 600;
    const original = { x: 100, y: 50, width: 200, height: 100 };
    const detector = buildOnnxDetector(join(work, 'det-v8.onnx'), {
      format: 'yolov8',
      classes: 3,
      size: 640,
      detections: [
        { cx: (original.x + original.width / 2) * s, cy: 106 + (original.y + original.height / 2) * s, w: original.width * s, h: original.height * s, classId: 2, score: 0.9 },
        // Overlaps the first with the same class and a lower score: NMS drops it.
        { cx: (original.x + original.width / 2) * s + 2, cy: 106 + (original.y + original.height / 2) * s, w: original.width * s, h: original.height * s, classId: 2, score: 0.6 },
        // Below the score threshold.
        { cx: 320, cy: 320, w: 10, h: 10, classId: 0, score: 0.1 },
        // Sticks out of the image: clamped.
        { cx: 600, cy: 300, w: 200, h: 100, classId: 1, score: 0.5 },
      ],
      emptyBoxes: 4,
    });
    const id = await uploadAndDeploy(t.url, admin, {
      file: detector.path,
      name: 'detector-v8',
      config: { task: 'detection', preprocess: { resize: 'letterbox', padValue: 114 }, postprocess: { format: 'yolov8', labels: ['a', 'b', 'cup'] } },
    });
    const res = await infer(t.url, token, id, { body: imageForm([coffeePng()]) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const detections = res.body.results[0].detections;
    expect(detections.map((d: { label: string }) => d.label)).toEqual(['cup', 'b']);
    const [cup, clamped] = detections;
    expect(cup.score).toBeCloseTo(0.9, 5);
    expect(cup.box.x).toBeCloseTo(original.x, 0);
    expect(cup.box.y).toBeCloseTo(original.y, 0);
    expect(cup.box.width).toBeCloseTo(original.width, 0);
    expect(cup.box.height).toBeCloseTo(original.height, 0);
    expect(clamped.box.x + clamped.box.width).toBeCloseTo(600, 3);
    const strict = await infer(t.url, token, id, { body: imageForm([coffeePng()]), query: 'scoreThreshold=0.8' });
    expect(strict.body.results[0].detections).toHaveLength(1);
    const loose = await infer(t.url, token, id, { body: imageForm([coffeePng()]), query: 'iouThreshold=0.99&scoreThreshold=0.05' });
    expect(loose.body.results[0].detections).toHaveLength(4);
  });

  it('decodes YOLOv5 output with objectness through a stretched resize', async () => {
    // chelsea.png is 451x300 stretched to 320x320.
    const sx = 320 / 451;
    const sy = 320 / 300;
    const detector = buildOnnxDetector(join(work, 'det-v5.onnx'), {
      format: 'yolov5',
      classes: 2,
      size: 320,
      detections: [{ cx: 200 * sx, cy: 150 * sy, w: 100 * sx, h: 60 * sy, classId: 1, score: 0.8, objectness: 0.5 }],
    });
    const id = await uploadAndDeploy(t.url, admin, {
      file: detector.path,
      name: 'detector-v5',
      config: { task: 'detection', preprocess: { resize: 'stretch' }, postprocess: { format: 'yolov5' } },
    });
    const res = await infer(t.url, token, id, { body: imageForm([chelseaPng()]) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [detection] = res.body.results[0].detections;
    expect(detection).toMatchObject({ index: 1, label: '1' });
    expect(detection.score).toBeCloseTo(0.4, 5);
    expect(detection.box.x).toBeCloseTo(150, 1);
    expect(detection.box.y).toBeCloseTo(120, 1);
    expect(detection.box.width).toBeCloseTo(100, 1);
    expect(detection.box.height).toBeCloseTo(60, 1);
  });
});

describe('inference request limits', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let classifierId: string;

  beforeAll(async () => {
    t = await startTestApp({ MAX_IMAGES_PER_REQUEST: '2', MAX_REQUEST_BYTES: '300000', MAX_IMAGE_PIXELS: '100000' });
    work = mkdtempSync(join(tmpdir(), 'inference-limits-'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 16, classes: 3 });
    classifierId = await uploadAndDeploy(t.url, admin, { file: join(work, 'classifier.onnx'), name: 'small', config: { task: 'classification' } });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('413 PAYLOAD_TOO_LARGE beyond the image count or byte limits', async () => {
    const small = await sharp(chelseaPng()).resize(64, 48).png().toBuffer();
    const ok = await infer(t.url, token, classifierId, { body: imageForm([small, small]) });
    expect(ok.status).toBe(200);
    const tooMany = await infer(t.url, token, classifierId, { body: imageForm([small, small, small]) });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const tooManyJson = await infer(t.url, token, classifierId, { json: { images: [small, small, small].map((image) => image.toString('base64')) } });
    expect([tooManyJson.status, tooManyJson.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const bigFile = await infer(t.url, token, classifierId, { body: imageForm([coffeePng()]) });
    expect([bigFile.status, bigFile.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const bigJson = await infer(t.url, token, classifierId, { json: { image: coffeePng().toString('base64') } });
    expect([bigJson.status, bigJson.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const health = await request(`${t.url}/health`);
    expect(health.status).toBe(200);
  });

  it('400 INVALID_IMAGE above MAX_IMAGE_PIXELS, checked from the header', async () => {
    const res = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]) });
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_IMAGE']);
    expect(res.body.error.details).toEqual({ width: 451, height: 300, maxPixels: 100000 });
  });
});
