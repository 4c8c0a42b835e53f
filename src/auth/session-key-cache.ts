export interface SessionKeyCacheOptions {
  ttlMs: number;
  maxEntries: number;
}

export const DEFAULT_SESSION_CACHE_OPTIONS: SessionKeyCacheOptions = { ttlMs: 30_000, maxEntries: 10_000 };

/**
 * Session keys (by hash) the database has confirmed live, so a valid access token costs no extra
 * round trip per request. Bounded (oldest first out) and short-lived; ending a user's sessions
 * forgets every key of that user, and the generation counter stops a lookup that raced with that
 * from caching the answer it read before the revocation.
 */
export class SessionKeyCache {
  private readonly entries = new Map<string, { userId: string; expiresAtMs: number }>();
  private readonly keysByUser = new Map<string, Set<string>>();
  private generation = 0;

  constructor(private readonly options: SessionKeyCacheOptions = DEFAULT_SESSION_CACHE_OPTIONS) {}

  /** True when confirmed live recently; otherwise the generation to pass to `remember`. */
  lookup(userId: string, keyHash: string, nowMs: number): { live: true } | { live: false; generation: number } {
    const entry = this.entries.get(keyHash);
    if (entry && entry.userId === userId) {
      if (entry.expiresAtMs > nowMs) return { live: true };
      this.delete(keyHash, entry.userId);
    }
    return { live: false, generation: this.generation };
  }

  remember(userId: string, keyHash: string, nowMs: number, generation: number): void {
    if (generation !== this.generation) return;
    if (!this.entries.has(keyHash) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.entries().next().value;
      if (oldest) this.delete(oldest[0], oldest[1].userId);
    }
    this.entries.set(keyHash, { userId, expiresAtMs: nowMs + this.options.ttlMs });
    let keys = this.keysByUser.get(userId);
    if (!keys) this.keysByUser.set(userId, (keys = new Set()));
    keys.add(keyHash);
  }

  forgetUser(userId: string): void {
    this.generation++;
    for (const keyHash of this.keysByUser.get(userId) ?? []) this.entries.delete(keyHash);
    this.keysByUser.delete(userId);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.keysByUser.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(keyHash: string, userId: string): void {
    this.entries.delete(keyHash);
    const keys = this.keysByUser.get(userId);
    keys?.delete(keyHash);
    if (keys?.size === 0) this.keysByUser.delete(userId);
  }
}
