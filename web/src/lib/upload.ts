/** Bytes sent so far out of the request body's total. */
export interface UploadProgress {
  sent: number;
  total: number;
}

/** The part of XMLHttpRequest the upload needs: a seam so the progress logic can be tested. */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: ArrayBuffer | Blob | null): void;
  abort(): void;
  getAllResponseHeaders(): string;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export function percentOf(progress: UploadProgress): number {
  return progress.total > 0 ? Math.min(100, Math.round((progress.sent / progress.total) * 100)) : 0;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * A `fetch` for the typed client that sends through XMLHttpRequest, because only XHR reports
 * upload progress. The request (multipart body, headers) is the one the client built; progress
 * counts the bytes of that exact body. Aborting `signal` cancels the upload.
 */
export function progressFetch(onProgress: (progress: UploadProgress) => void, signal?: AbortSignal, createXhr: () => XhrLike = () => new XMLHttpRequest() as unknown as XhrLike) {
  return async (request: Request): Promise<Response> => {
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.arrayBuffer();
    const total = body?.byteLength ?? 0;
    return new Promise<Response>((resolve, reject) => {
      const xhr = createXhr();
      xhr.open(request.method, request.url);
      request.headers.forEach((value, name) => xhr.setRequestHeader(name, value));
      onProgress({ sent: 0, total });
      xhr.upload.onprogress = (event) => onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : total });
      xhr.onload = () => {
        onProgress({ sent: total, total });
        const empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
        resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: parseHeaders(xhr.getAllResponseHeaders()) }));
      };
      xhr.onerror = () => reject(new TypeError('The upload failed: the connection was lost'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
      if (signal?.aborted) {
        reject(new DOMException('The upload was cancelled', 'AbortError'));
        return;
      }
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  };
}
