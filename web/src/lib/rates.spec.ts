import { describe, expect, it } from 'vitest';
import { throughput } from './rates';
import { heatmapShape, toGrey } from './heatmap';
import { parseTokenForm } from './token-form';

describe('dashboard rates', () => {
  it('requests per second and error ratio from the last two counter readings', () => {
    expect(throughput([{ t: 0, total: 0, errors: 0 }])).toBeNull();
    expect(throughput([{ t: 0, total: 10, errors: 1 }, { t: 2000, total: 30, errors: 3 }])).toEqual({ requestsPerSecond: 10, errorRate: 0.1 });
    // A counter reset (restart, undeploy) is not a negative rate.
    expect(throughput([{ t: 0, total: 30, errors: 3 }, { t: 1000, total: 2, errors: 0 }])).toEqual({ requestsPerSecond: 0, errorRate: 0 });
    expect(throughput([{ t: 5, total: 1, errors: 0 }, { t: 5, total: 2, errors: 0 }])).toBeNull();
  });
});

describe('raw output heat maps', () => {
  it('accepts one channel over two spatial dimensions only', () => {
    expect(heatmapShape([1, 1, 64, 32])).toEqual({ height: 64, width: 32 });
    expect(heatmapShape([64, 32])).toEqual({ height: 64, width: 32 });
    expect(heatmapShape([1, 3, 64, 64])).toBeNull();
    expect(heatmapShape([1, 1000])).toBeNull();
    expect(Array.from(toGrey([0, 5, 10]))).toEqual([0, 128, 255]);
    expect(Array.from(toGrey([3, 3]))).toEqual([0, 0]);
  });
});

describe('token form', () => {
  const base = { name: 'ci', allowedModels: '*', ipAllowlist: '', rateLimitPerMinute: '', monthlyQuota: '', expiresAt: '' };
  it('turns the fields into the create body', () => {
    expect(parseTokenForm({ ...base, allowedModels: 'a, b', ipAllowlist: '10.0.0.0/8 127.0.0.1', rateLimitPerMinute: '60', monthlyQuota: '1000', expiresAt: '2030-01-31' })).toEqual({
      ok: true,
      value: { name: 'ci', allowedModels: ['a', 'b'], ipAllowlist: ['10.0.0.0/8', '127.0.0.1'], rateLimitPerMinute: 60, monthlyQuota: 1000, expiresAt: '2030-01-31T23:59:59.999Z' },
    });
  });
  it('refuses what the server would refuse, with a readable message', () => {
    expect(parseTokenForm({ ...base, name: ' ' })).toMatchObject({ ok: false });
    expect(parseTokenForm({ ...base, allowedModels: '' })).toMatchObject({ ok: false });
    expect(parseTokenForm({ ...base, rateLimitPerMinute: '1.5' })).toEqual({ ok: false, error: 'The rate limit must be a whole number above 0' });
    expect(parseTokenForm({ ...base, monthlyQuota: '-3' })).toMatchObject({ ok: false });
  });
});
