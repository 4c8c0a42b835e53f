import { describe, expect, it } from 'vitest';
import { createTokenSchema, listTokensSchema, updateTokenSchema } from './token.dto.js';
import { startOfNextMonth, statusOf, usageMonth } from './access-token.types.js';

function fieldsOf(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('createTokenSchema', () => {
  it('fills defaults and de-duplicates lists', () => {
    const parsed = createTokenSchema.parse({ name: ' ci ', allowedModels: ['m1', 'm1'], ipAllowlist: ['10.0.0.0/8', '10.0.0.0/8'] });
    expect(parsed).toEqual({
      name: 'ci',
      description: '',
      allowedModels: ['m1'],
      ipAllowlist: ['10.0.0.0/8'],
      rateLimitPerMinute: null,
      monthlyQuota: null,
      expiresAt: null,
    });
  });

  it.each([
    [{ allowedModels: ['*'] }, 'name'],
    [{ name: '', allowedModels: ['*'] }, 'name'],
    [{ name: 'a\u0000b', allowedModels: ['*'] }, 'name'],
    [{ name: 'x'.repeat(101), allowedModels: ['*'] }, 'name'],
    [{ name: 'a' }, 'allowedModels'],
    [{ name: 'a', allowedModels: [] }, 'allowedModels'],
    [{ name: 'a', allowedModels: ['*', 'm1'] }, 'allowedModels'],
    [{ name: 'a', allowedModels: [42] }, 'allowedModels.0'],
    [{ name: 'a', allowedModels: ['*'], ipAllowlist: ['10.0.0.0/33'] }, 'ipAllowlist.0'],
    [{ name: 'a', allowedModels: ['*'], ipAllowlist: ['1.2.3.4', 'example.com'] }, 'ipAllowlist.1'],
    [{ name: 'a', allowedModels: ['*'], ipAllowlist: '10.0.0.0/8' }, 'ipAllowlist'],
    [{ name: 'a', allowedModels: ['*'], rateLimitPerMinute: 0 }, 'rateLimitPerMinute'],
    [{ name: 'a', allowedModels: ['*'], rateLimitPerMinute: 1.5 }, 'rateLimitPerMinute'],
    [{ name: 'a', allowedModels: ['*'], rateLimitPerMinute: '60' }, 'rateLimitPerMinute'],
    [{ name: 'a', allowedModels: ['*'], monthlyQuota: -1 }, 'monthlyQuota'],
    [{ name: 'a', allowedModels: ['*'], expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ name: 'a', allowedModels: ['*'], description: 7 }, 'description'],
    [{ name: 'a', allowedModels: ['*'], secretHash: 'x' }, ''],
  ])('rejects %j naming %s', (body, field) => {
    const result = createTokenSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(fieldsOf(result)).toContain(field);
  });
});

describe('updateTokenSchema', () => {
  it('accepts a partial change, including nulls that clear limits', () => {
    expect(updateTokenSchema.parse({ rateLimitPerMinute: null, expiresAt: '2020-01-01T00:00:00Z' })).toEqual({
      rateLimitPerMinute: null,
      expiresAt: '2020-01-01T00:00:00Z',
    });
  });
  it('refuses an empty change', () => {
    expect(updateTokenSchema.safeParse({}).success).toBe(false);
  });
});

describe('listTokensSchema', () => {
  it('coerces pagination and refuses unknown statuses', () => {
    expect(listTokensSchema.parse({ limit: '5', status: 'expired' })).toMatchObject({ limit: 5, offset: 0, status: 'expired' });
    expect(listTokensSchema.safeParse({ status: 'deleted' }).success).toBe(false);
  });
});

describe('token status and months', () => {
  const now = new Date('2026-03-31T23:59:59.000Z');
  it('ranks revoked over disabled over expired', () => {
    const past = '2026-01-01T00:00:00.000Z';
    expect(statusOf({ revokedAt: past, disabledAt: past, expiresAt: past }, now)).toBe('revoked');
    expect(statusOf({ revokedAt: null, disabledAt: past, expiresAt: past }, now)).toBe('disabled');
    expect(statusOf({ revokedAt: null, disabledAt: null, expiresAt: past }, now)).toBe('expired');
    expect(statusOf({ revokedAt: null, disabledAt: null, expiresAt: '2026-04-01T00:00:00.000Z' }, now)).toBe('active');
  });
  it('buckets usage by UTC month and resets at the next month', () => {
    expect(usageMonth(now)).toBe('2026-03');
    expect(startOfNextMonth(now).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(startOfNextMonth(new Date('2026-12-15T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
