import { describe, expect, it } from 'vitest';
import type { AccessTokenRecord } from './access-token.types.js';
import { TokenLookupCache } from './token-lookup-cache.js';

const record = (id: string): AccessTokenRecord => ({
  id,
  name: id,
  description: '',
  secretHash: `hash-${id}`,
  tokenPreview: 'mp_x…y',
  allowedModels: ['*'],
  ipAllowlist: [],
  rateLimitPerMinute: null,
  monthlyQuota: null,
  expiresAt: null,
  disabledAt: null,
  revokedAt: null,
  lastUsedAt: null,
  createdBy: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const options = { positiveTtlMs: 1000, negativeTtlMs: 100, staleIfErrorMs: 5000, maxPositive: 2, maxNegative: 2 };

function storeFresh(cache: TokenLookupCache, hash: string, value: AccessTokenRecord | null, now: number): void {
  const miss = cache.get(hash, now);
  if (miss.hit) throw new Error('expected a miss');
  cache.store(hash, value, now, miss.generation);
}

describe('TokenLookupCache', () => {
  it('serves positives until their TTL ends', () => {
    const cache = new TokenLookupCache(options);
    storeFresh(cache, 'h1', record('a'), 0);
    expect(cache.get('h1', 999)).toEqual({ hit: true, record: expect.objectContaining({ id: 'a' }) });
    expect(cache.get('h1', 1000).hit).toBe(false);
  });

  it('remembers unknown hashes briefly', () => {
    const cache = new TokenLookupCache(options);
    storeFresh(cache, 'nope', null, 0);
    expect(cache.get('nope', 50)).toEqual({ hit: true, record: null });
    expect(cache.get('nope', 100).hit).toBe(false);
  });

  it('stays within its bounds, evicting the oldest entries', () => {
    const cache = new TokenLookupCache(options);
    storeFresh(cache, 'h1', record('a'), 0);
    storeFresh(cache, 'h2', record('b'), 0);
    storeFresh(cache, 'h3', record('c'), 0);
    for (const hash of ['n1', 'n2', 'n3']) storeFresh(cache, hash, null, 0);
    expect(cache.size).toEqual({ positive: 2, negative: 2 });
    expect(cache.get('h1', 1).hit).toBe(false);
    expect(cache.get('h3', 1).hit).toBe(true);
    expect(cache.get('n1', 1).hit).toBe(false);
  });

  it('invalidates a token by id, including a new hash that was cached as unknown', () => {
    const cache = new TokenLookupCache(options);
    storeFresh(cache, 'old', record('a'), 0);
    storeFresh(cache, 'new', null, 0);
    cache.invalidate('a', 'new');
    expect(cache.get('old', 1).hit).toBe(false);
    expect(cache.get('new', 1).hit).toBe(false);
  });

  it('does not re-cache a lookup that raced with an invalidation', () => {
    const cache = new TokenLookupCache(options);
    const miss = cache.get('h1', 0);
    if (miss.hit) throw new Error('expected a miss');
    cache.invalidate('a');
    cache.store('h1', record('a'), 0, miss.generation);
    expect(cache.get('h1', 1).hit).toBe(false);
  });

  it('keeps an expired record as a stand-in for database outages, within its grace, and never after a change', () => {
    const cache = new TokenLookupCache(options);
    storeFresh(cache, 'h1', record('a'), 0);
    // Expired: a miss (the database is asked), carrying the record for stale-if-error.
    expect(cache.get('h1', 1000)).toEqual({ hit: false, generation: expect.any(Number), stale: expect.objectContaining({ id: 'a' }) });
    expect(cache.get('h1', 5999)).toMatchObject({ hit: false, stale: { id: 'a' } });
    expect(cache.get('h1', 6000)).not.toHaveProperty('stale');
    expect(cache.get('h1', 1500)).not.toHaveProperty('stale');

    storeFresh(cache, 'h2', record('b'), 0);
    cache.invalidate('b');
    expect(cache.get('h2', 2000)).not.toHaveProperty('stale');
    storeFresh(cache, 'h3', record('c'), 0);
    cache.clear();
    expect(cache.get('h3', 2000)).not.toHaveProperty('stale');
  });
});
