import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { request, type JsonResponse } from '../helpers/test-app.js';

export const MODELS = '/api/v1/internal/models';

export interface UploadOptions {
  /** A path to read, or raw bytes with `filename`. */
  file?: string | Buffer;
  filename?: string;
  name?: string;
  config?: string | Record<string, unknown>;
  description?: string;
}

/** Sends a real multipart form with Node's FormData/Blob. */
export function uploadForm(options: UploadOptions): FormData {
  const form = new FormData();
  if (options.name !== undefined) form.append('name', options.name);
  if (options.description !== undefined) form.append('description', options.description);
  if (options.config !== undefined) form.append('config', typeof options.config === 'string' ? options.config : JSON.stringify(options.config));
  if (options.file !== undefined) {
    const bytes = typeof options.file === 'string' ? readFileSync(options.file) : options.file;
    const filename = options.filename ?? (typeof options.file === 'string' ? basename(options.file) : 'model.onnx');
    form.append('file', new Blob([new Uint8Array(bytes)]), filename);
  }
  return form;
}

export function uploadModel(url: string, token: string, options: UploadOptions): Promise<JsonResponse> {
  return request(`${url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': token }, body: uploadForm(options) });
}

export function uploadVersion(url: string, token: string, id: string, options: UploadOptions): Promise<JsonResponse> {
  return request(`${url}${MODELS}/${id}/versions`, { method: 'POST', headers: { 'X-Auth-Token': token }, body: uploadForm(options) });
}

export function modelAction(url: string, token: string, path: string, json?: unknown, method = 'POST'): Promise<JsonResponse> {
  return request(`${url}${MODELS}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json === undefined ? {} : { json }) });
}
