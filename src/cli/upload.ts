import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Presets, SingleBar } from 'cli-progress';

export interface MultipartFile {
  path: string;
  fields: Record<string, string>;
}

/**
 * A multipart/form-data body streamed from disk (models can be gigabytes), reporting each
 * chunk to `onBytes`. Text fields come first, then the file part.
 */
export function multipartStream(upload: MultipartFile, onBytes: (sent: number) => void): { body: ReadableStream<Uint8Array>; contentType: string; totalBytes: number; fileBytes: number } {
  const boundary = `----modelport${randomBytes(12).toString('hex')}`;
  const quote = (value: string) => value.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    Object.entries(upload.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(basename(upload.path))}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileBytes = statSync(upload.path).size;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new Uint8Array(head));
      for await (const chunk of createReadStream(upload.path, { highWaterMark: 1 << 20 })) {
        controller.enqueue(new Uint8Array(chunk as Buffer));
        sent += (chunk as Buffer).byteLength;
        onBytes(sent);
      }
      controller.enqueue(new Uint8Array(tail));
      controller.close();
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, totalBytes: head.byteLength + fileBytes + tail.byteLength, fileBytes };
}

/** The upload progress bar on stderr (a line every few seconds when stderr is not a terminal). */
export function uploadBar(totalBytes: number, enabled: boolean): { update(sent: number): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'uploading [{bar}] {percentage}% | {sentSize}/{totalSize} | {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);
  bar.start(totalBytes, 0, { sentSize: size(0), totalSize: size(totalBytes) });
  return {
    update: (sent) => bar.update(sent, { sentSize: size(sent), totalSize: size(totalBytes) }),
    stop: () => bar.stop(),
  };
}
