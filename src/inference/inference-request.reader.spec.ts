import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { decodeBase64Image, readInferenceBody } from './inference-request.reader.js';

const limits = { maxImages: 2, maxBytes: 1000 };
const jsonRequest = (body: unknown, query: Record<string, string> = {}, contentType = 'application/json') =>
  ({ body, query, headers: { 'content-type': contentType }, isMultipart: () => false }) as unknown as FastifyRequest;

describe('decodeBase64Image', () => {
  it('decodes plain, URL-safe and data-URL base64', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x10]);
    expect(decodeBase64Image(bytes.toString('base64'), 0)).toEqual(bytes);
    expect(decodeBase64Image(bytes.toString('base64url'), 0)).toEqual(bytes);
    expect(decodeBase64Image(`data:image/png;base64,${bytes.toString('base64')}`, 0)).toEqual(bytes);
    expect(decodeBase64Image(`${bytes.toString('base64').slice(0, 4)}\n${bytes.toString('base64').slice(4)}`, 0)).toEqual(bytes);
  });

  it('refuses text that is not base64 with INVALID_IMAGE naming the index', () => {
    for (const text of ['', '***', 'abcde', 'ab=cd']) {
      expect(() => decodeBase64Image(text, 3)).toThrow(expect.objectContaining({ code: 'INVALID_IMAGE', details: { index: 3 } }));
    }
  });
});

describe('readInferenceBody (JSON)', () => {
  it('reads images and merges options, the body winning over the query', async () => {
    const body = await readInferenceBody(jsonRequest({ images: ['AAAA', 'AAAA'], topK: 2 }, { topK: '5', priority: '3' }), limits);
    expect(body).toMatchObject({ kind: 'images', options: { topK: 2, priority: 3 } });
    if (body.kind === 'images') expect(body.images.buffers).toHaveLength(2);
  });

  it('reads tensors by name', async () => {
    const body = await readInferenceBody(jsonRequest({ inputs: { x: { shape: [1, 2], data: [1, 2] } } }), limits);
    expect(body).toEqual({ kind: 'tensors', tensors: [{ name: 'x', shape: [1, 2], dtype: undefined, data: [1, 2] }], options: { priority: 0 } });
  });

  it('maps bad bodies to stable codes', async () => {
    await expect(readInferenceBody(jsonRequest({ images: ['AAAA', 'AAAA', 'AAAA'] }), limits)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(readInferenceBody(jsonRequest({ images: [] }), limits)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readInferenceBody(jsonRequest('text', {}, 'text/plain'), limits)).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expect(readInferenceBody(jsonRequest(null), limits)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readInferenceBody(jsonRequest({ image: 'AAAA', priority: 5000 }), limits)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(readInferenceBody(jsonRequest({ image: 'AAAA' }, { timeoutMs: '-1' }), limits)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
