import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import { toGrpcError } from '../grpc/grpc-status.js';
import { toOipError } from './oip-error.js';

describe('protocol error mapping', () => {
  it('keeps 400/401/404, turns not-deployed into 503 with Retry-After, hides internals', () => {
    expect(toOipError(ApiError.badRequest('INVALID_INPUT', 'bad'), 'r')).toEqual({ status: 400, code: 'INVALID_INPUT', message: 'bad', headers: {} });
    expect(toOipError(ApiError.conflict('MODEL_NOT_DEPLOYED', 'not served'), 'r')).toEqual({ status: 503, code: 'MODEL_NOT_DEPLOYED', message: 'not served', headers: { 'Retry-After': '5' } });
    expect(toOipError(new ApiError(503, 'QUEUE_FULL', 'full', undefined, { 'Retry-After': '1' }), 'r').headers).toEqual({ 'Retry-After': '1' });
    expect(toOipError(new Error('secret path /var/lib'), 'r')).toEqual({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', headers: {} });
  });

  it('maps onto gRPC statuses with the code and Retry-After in metadata', () => {
    const full = toGrpcError(new ApiError(503, 'QUEUE_FULL', 'full', undefined, { 'Retry-After': '1' }));
    expect([full.code, full.details, full.metadata.get('x-error-code'), full.metadata.get('retry-after')]).toEqual([14, 'full', ['QUEUE_FULL'], ['1']]);
    expect(toGrpcError(ApiError.unauthorized('ACCESS_TOKEN_MISSING', 'x')).code).toBe(16);
    expect(toGrpcError(ApiError.notFound('MODEL_NOT_FOUND', 'x')).code).toBe(5);
    expect(toGrpcError(ApiError.forbidden('MODEL_NOT_ALLOWED', 'x')).code).toBe(7);
    expect(toGrpcError(new Error('boom')).code).toBe(13);
  });
});
