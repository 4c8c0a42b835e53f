import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { normalizeError } from './http-error.filter.js';

describe('normalizeError', () => {
  it('keeps details of a 4xx', () => {
    const normalized = normalizeError(ApiError.badRequest('VALIDATION_FAILED', 'bad', [{ field: 'name' }]), 'r1');
    expect(normalized.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'bad', requestId: 'r1', details: [{ field: 'name' }] } });
  });

  it('never shows the details of a 500: they carry exception text', () => {
    const normalized = normalizeError(new ApiError(500, 'POSTPROCESS_FAILED', 'The model output does not match', { reason: 'TypeError at /srv/app/dist/x.js' }), 'r2');
    expect(normalized.status).toBe(500);
    expect(normalized.body).toEqual({ error: { code: 'POSTPROCESS_FAILED', message: 'The model output does not match', requestId: 'r2' } });
  });

  it('answers anything unknown with INTERNAL_ERROR and no internals', () => {
    expect(normalizeError(new Error('SQLITE_CORRUPT /data/modelport.sqlite'), 'r3').body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: 'r3' } });
  });
});
