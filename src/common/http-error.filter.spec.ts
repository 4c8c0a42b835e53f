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

  it('answers a database that cannot be reached with 503 DATABASE_UNAVAILABLE and a Retry-After, not a 500', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const notAccepting = Object.assign(new Error('database "mp_x" is not currently accepting connections'), { code: '55000', severity: 'FATAL' });
    const wrapped = Object.assign(new Error('Connection terminated unexpectedly'), { driverError: new Error('Connection terminated unexpectedly') });
    for (const error of [terminated, refused, notAccepting, wrapped, new Error('timeout exceeded when trying to connect')]) {
      const normalized = normalizeError(error, 'r4');
      expect(normalized.status, error.message).toBe(503);
      expect(normalized.body.error.code).toBe('DATABASE_UNAVAILABLE');
      expect(normalized.headers).toEqual({ 'retry-after': '5' });
    }
    // A query that is wrong stays a 500: the database answered.
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601', severity: 'ERROR' });
    expect(normalizeError(syntax, 'r5').status).toBe(500);
  });
});
