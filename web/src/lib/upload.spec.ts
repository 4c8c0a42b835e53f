import { describe, expect, it } from 'vitest';
import { formatBytes, percentOf, progressFetch, type UploadProgress, type XhrLike } from './upload';

/** A scripted XMLHttpRequest: the test drives progress and completion by hand. */
class FakeXhr implements XhrLike {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  sent: ArrayBuffer | Blob | null = null;
  aborted = false;
  status = 0;
  statusText = '';
  responseText = '';
  upload: XhrLike['upload'] = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: ArrayBuffer | Blob | null) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  getAllResponseHeaders() {
    return 'content-type: application/json\r\nx-request-id: r-1\r\n';
  }
  finish(status: number, body: string) {
    this.status = status;
    this.responseText = body;
    this.onload?.();
  }
}

async function started(xhr: FakeXhr) {
  for (let attempt = 0; attempt < 100 && xhr.sent === null; attempt++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('upload progress', () => {
  it('reports bytes sent of the exact multipart body, then resolves with the server response', async () => {
    const xhr = new FakeXhr();
    const seen: UploadProgress[] = [];
    const form = new FormData();
    form.append('name', 'resnet');
    form.append('file', new Blob([new Uint8Array(10_000)]), 'model.onnx');
    const request = new Request('http://127.0.0.1/api/v1/internal/models', { method: 'POST', body: form, headers: { 'X-Auth-Token': 'jwt' } });
    const contentType = request.headers.get('content-type');
    const pending = progressFetch((progress) => seen.push(progress), undefined, () => xhr)(request);
    await started(xhr);
    const total = (xhr.sent as ArrayBuffer).byteLength;
    expect(total).toBeGreaterThan(10_000);
    expect(xhr.method).toBe('POST');
    expect(xhr.headers['x-auth-token']).toBe('jwt');
    expect(xhr.headers['content-type']).toBe(contentType);
    xhr.upload.onprogress?.({ loaded: 4096, total, lengthComputable: true });
    xhr.upload.onprogress?.({ loaded: total, total, lengthComputable: true });
    xhr.finish(201, '{"id":"m1"}');
    const response = await pending;
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: 'm1' });
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(seen).toEqual([{ sent: 0, total }, { sent: 4096, total }, { sent: total, total }, { sent: total, total }]);
    expect(seen.map(percentOf)).toEqual([0, Math.round((4096 / total) * 100), 100, 100]);
  });

  it('cancels: aborting the signal aborts the XHR and rejects with AbortError', async () => {
    const xhr = new FakeXhr();
    const controller = new AbortController();
    const pending = progressFetch(() => {}, controller.signal, () => xhr)(new Request('http://127.0.0.1/x', { method: 'POST', body: 'abc' }));
    await started(xhr);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(xhr.aborted).toBe(true);
  });

  it('a lost connection rejects; a 204 has no body', async () => {
    const lost = new FakeXhr();
    const failing = progressFetch(() => {}, undefined, () => lost)(new Request('http://127.0.0.1/x', { method: 'POST', body: 'abc' }));
    await started(lost);
    lost.onerror?.();
    await expect(failing).rejects.toThrow(/connection was lost/);
    const empty = new FakeXhr();
    const ok = progressFetch(() => {}, undefined, () => empty)(new Request('http://127.0.0.1/x', { method: 'POST', body: 'abc' }));
    await started(empty);
    empty.finish(204, '');
    expect((await ok).status).toBe(204);
  });

  it('formats byte counts and bounds the percentage', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(percentOf({ sent: 5, total: 0 })).toBe(0);
    expect(percentOf({ sent: 12, total: 10 })).toBe(100);
  });
});
