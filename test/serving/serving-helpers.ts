import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { request, type JsonResponse } from '../helpers/test-app.js';

export const IMAGES_DIR = join(import.meta.dirname, '..', 'fixtures', 'images');
export const chelseaPng = () => readFileSync(join(IMAGES_DIR, 'chelsea.png'));
export const coffeePng = () => readFileSync(join(IMAGES_DIR, 'coffee.png'));

const MODELS = '/api/v1/internal/models';

/** Uploads a model file through the admin API and deploys it; returns the model id. */
export async function uploadAndDeploy(
  url: string,
  adminToken: string,
  options: { file: string; name: string; config?: Record<string, unknown>; overrides?: Record<string, unknown> },
): Promise<string> {
  const form = new FormData();
  form.append('name', options.name);
  if (options.config) form.append('config', JSON.stringify(options.config));
  form.append('file', new Blob([new Uint8Array(readFileSync(options.file))]), basename(options.file));
  const upload = await request(`${url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': adminToken }, body: form });
  if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${JSON.stringify(upload.body)}`);
  const deployed = await request(`${url}${MODELS}/${upload.body.id}/deploy`, { method: 'POST', headers: { 'X-Auth-Token': adminToken }, json: options.overrides ?? {} });
  if (deployed.status !== 200) throw new Error(`deploy failed: ${deployed.status} ${JSON.stringify(deployed.body)}`);
  return upload.body.id as string;
}

export async function issueAccessToken(url: string, adminToken: string, allowedModels: string[] = ['*']): Promise<string> {
  const res = await request(`${url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': adminToken }, json: { name: `serving-${Date.now()}`, allowedModels } });
  if (res.status !== 201) throw new Error(`token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** A multipart form with one `image` part per buffer, plus text fields. */
export function imageForm(images: Array<Buffer | { bytes: Buffer; filename: string; type?: string }>, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  images.forEach((image, index) => {
    const { bytes, filename, type } = Buffer.isBuffer(image) ? { bytes: image, filename: `image-${index}.png`, type: 'image/png' } : image;
    form.append('image', new Blob([new Uint8Array(bytes)], { type: type ?? 'application/octet-stream' }), filename);
  });
  return form;
}

export function infer(url: string, token: string, model: string, init: { json?: unknown; body?: FormData | string; headers?: Record<string, string>; query?: string } = {}): Promise<JsonResponse> {
  return request(`${url}/api/v1/inference/${encodeURIComponent(model)}${init.query ? `?${init.query}` : ''}`, {
    method: 'POST',
    headers: { 'X-Access-Token': token, ...init.headers },
    ...(init.json !== undefined ? { json: init.json } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}
