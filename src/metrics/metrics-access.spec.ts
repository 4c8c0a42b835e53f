import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import { checkMetricsAccess } from './metrics-access.js';

function codeOf(action: () => void): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? `${error.getStatus()} ${error.code}` : 'other';
  }
}

describe('checkMetricsAccess', () => {
  it('is open on loopback hosts when no token is configured', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.53']) {
      expect(codeOf(() => checkMetricsAccess({ token: '', host }, undefined))).toBeUndefined();
    }
  });

  it('is disabled on other hosts when no token is configured', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com']) {
      expect(codeOf(() => checkMetricsAccess({ token: '', host }, 'Bearer x'))).toBe('403 METRICS_DISABLED');
    }
  });

  it('requires the exact bearer token when one is configured, on any host', () => {
    const policy = { token: 's3cret', host: '127.0.0.1' };
    expect(codeOf(() => checkMetricsAccess(policy, 'Bearer s3cret'))).toBeUndefined();
    expect(codeOf(() => checkMetricsAccess(policy, 'bearer  s3cret '))).toBeUndefined();
    for (const header of [undefined, '', 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 's3cret', 'Basic s3cret']) {
      expect(codeOf(() => checkMetricsAccess(policy, header))).toBe('401 METRICS_TOKEN_INVALID');
    }
    expect(codeOf(() => checkMetricsAccess({ token: 's3cret', host: '0.0.0.0' }, 'Bearer s3cret'))).toBeUndefined();
  });
});
