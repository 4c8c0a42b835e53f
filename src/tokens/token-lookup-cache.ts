import type { AccessTokenRecord } from './access-token.types.js';

export interface TokenLookupCacheOptions {
  positiveTtlMs: number;
  negativeTtlMs: number;
  /** How long past its TTL a record may still stand in when the database cannot be reached. */
  staleIfErrorMs: number;
  maxPositive: number;
  maxNegative: number;
}

export const DEFAULT_LOOKUP_CACHE_OPTIONS: TokenLookupCacheOptions = {
  positiveTtlMs: 60_000,
  negativeTtlMs: 10_000,
  staleIfErrorMs: 10 * 60_000,
  maxPositive: 10_000,
  maxNegative: 10_000,
};

/** A miss may carry the expired record, usable only if the database cannot be asked (`stale`). */
export type CacheLookup = { hit: true; record: AccessTokenRecord | null } | { hit: false; generation: number; stale?: AccessTokenRecord };

/**
 * Token records by secret hash, so a valid token costs no database round trip per request, and
 * short-lived "no such token" entries so random tokens cannot hammer the database. Both maps are
 * bounded (oldest entry evicted first). Any change to a token invalidates it at once; the
 * generation counter stops a lookup that raced with an invalidation from re-caching stale data.
 * A record past its TTL is kept a while longer (`staleIfErrorMs`) for one use only: standing in
 * while the database is unreachable, so inference keeps being served through a database outage.
 * Invalidations and resyncs drop it like a fresh one, so a changed token is never served stale.
 */
export class TokenLookupCache {
  private readonly positive = new Map<string, { record: AccessTokenRecord; expiresAtMs: number }>();
  private readonly negative = new Map<string, number>();
  private readonly hashById = new Map<string, string>();
  private generation = 0;

  constructor(private readonly options: TokenLookupCacheOptions = DEFAULT_LOOKUP_CACHE_OPTIONS) {}

  get(secretHash: string, nowMs: number): CacheLookup {
    const positive = this.positive.get(secretHash);
    let stale: AccessTokenRecord | undefined;
    if (positive) {
      if (positive.expiresAtMs > nowMs) return { hit: true, record: positive.record };
      if (positive.expiresAtMs + this.options.staleIfErrorMs > nowMs) stale = positive.record;
      else this.deletePositive(secretHash, positive.record.id);
    }
    const negativeUntil = this.negative.get(secretHash);
    if (negativeUntil !== undefined) {
      if (negativeUntil > nowMs) return { hit: true, record: null };
      this.negative.delete(secretHash);
    }
    return { hit: false, generation: this.generation, ...(stale ? { stale } : {}) };
  }

  /** Stores a database answer unless an invalidation happened since the lookup began. */
  store(secretHash: string, record: AccessTokenRecord | null, nowMs: number, generation: number): void {
    if (generation !== this.generation) return;
    if (record) {
      if (this.positive.size >= this.options.maxPositive) this.evictOldestPositive();
      const previousHash = this.hashById.get(record.id);
      if (previousHash && previousHash !== secretHash) this.positive.delete(previousHash);
      this.positive.set(secretHash, { record, expiresAtMs: nowMs + this.options.positiveTtlMs });
      this.hashById.set(record.id, secretHash);
    } else {
      if (this.negative.size >= this.options.maxNegative) {
        const oldest = this.negative.keys().next().value;
        if (oldest !== undefined) this.negative.delete(oldest);
      }
      this.negative.set(secretHash, nowMs + this.options.negativeTtlMs);
    }
  }

  /** Drops everything known about a token (its current hash) and about a new hash it now owns. */
  invalidate(tokenId: string, newSecretHash?: string): void {
    this.generation++;
    const secretHash = this.hashById.get(tokenId);
    if (secretHash) this.deletePositive(secretHash, tokenId);
    if (newSecretHash) this.negative.delete(newSecretHash);
  }

  /** Forgets everything (announcements of changes may have been missed). */
  clear(): void {
    this.generation++;
    this.positive.clear();
    this.negative.clear();
    this.hashById.clear();
  }

  get size(): { positive: number; negative: number } {
    return { positive: this.positive.size, negative: this.negative.size };
  }

  private deletePositive(secretHash: string, tokenId: string): void {
    this.positive.delete(secretHash);
    if (this.hashById.get(tokenId) === secretHash) this.hashById.delete(tokenId);
  }

  private evictOldestPositive(): void {
    const oldest = this.positive.entries().next().value;
    if (oldest) this.deletePositive(oldest[0], oldest[1].record.id);
  }
}
