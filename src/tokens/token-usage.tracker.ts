import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { AccessTokenRepository, UsageIncrement } from './access-token.repository.js';
import { usageMonth } from './access-token.types.js';
import { Clock } from '../common/clock.js';
import { SharedUsageCounter } from './shared-usage-counter.js';

export const USAGE_FLUSH_INTERVAL_MS = 2_000;

interface Counter {
  value: number;
}

/**
 * Monthly usage counts and last-use times of access tokens. This process is the only writer, so
 * once a counter is loaded from SQLite the in-memory value is authoritative: the hot path checks
 * and increments it synchronously (no double-spend between concurrent requests) and the increments
 * reach SQLite in batches every couple of seconds and at shutdown.
 *
 * Among several replicas (a SharedUsageCounter, i.e. Redis) the check-and-count is one atomic step
 * in the shared counter instead, seeded from the database the first time in a month. The database
 * stays the durable record: at each flush a replica takes, for every token it counted for, the part
 * of the shared counter that no replica has saved yet (one atomic step) and writes that, so what a
 * replica counted and never saved (it was killed) still reaches the database. While the shared
 * counter is unreachable a replica counts in memory as above.
 */
@Injectable()
export class TokenUsageTracker implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TokenUsage');
  private readonly counters = new Map<string, Counter>();
  private readonly loading = new Map<string, Promise<Counter>>();
  private pendingCounts = new Map<string, UsageIncrement>();
  private pendingLastUsed = new Map<string, string>();
  /** Tokens this replica counted or refunded for in the shared counter since its last flush. */
  private sharedTouched = new Map<string, { tokenId: string; month: string }>();
  private readonly lastUsed = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private sharedDown = false;

  constructor(
    private readonly repository: AccessTokenRepository,
    private readonly clock: Clock,
    // Explicit token: a `| null` type would be emitted as Object and never resolve.
    @Optional() @Inject(SharedUsageCounter) private readonly shared: SharedUsageCounter | null = null,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  // Requests still draining while the server closed may have counted after the first flush.
  async onApplicationShutdown(): Promise<void> {
    if (this.repository.isAvailable()) await this.flush();
  }

  /**
   * Counts one use if the quota allows it; returns false (counting nothing) when the month's
   * quota is spent. A null quota counts without limit.
   */
  async tryConsume(tokenId: string, monthlyQuota: number | null): Promise<boolean> {
    const now = this.clock.now();
    const month = usageMonth(now);
    if (this.shared) {
      const counted = await this.consumeShared(this.shared, tokenId, month, monthlyQuota);
      if (counted !== undefined) {
        if (counted) this.touchShared(tokenId, month);
        return counted;
      }
    }
    const counter = await this.counter(tokenId, month);
    if (monthlyQuota !== null && counter.value >= monthlyQuota) return false;
    counter.value += 1;
    this.addPending(tokenId, month, 1);
    return true;
  }

  /** The shared counter's decision, or undefined when it cannot be reached (count locally). */
  private async consumeShared(shared: SharedUsageCounter, tokenId: string, month: string, monthlyQuota: number | null): Promise<boolean | undefined> {
    try {
      let counted = await shared.tryConsume(tokenId, month, monthlyQuota);
      if (counted === null) {
        const stored = await this.repository.usageCounts([tokenId], month);
        await shared.seed(tokenId, month, stored.get(tokenId) ?? 0);
        counted = await shared.tryConsume(tokenId, month, monthlyQuota);
      }
      if (counted === null) throw new Error('the shared usage counter vanished right after it was seeded');
      this.sharedDown = false;
      return counted;
    } catch (error) {
      this.sharedUnreachable(error);
      return undefined;
    }
  }

  private sharedUnreachable(error: unknown): void {
    if (!this.sharedDown) this.logger.warn({ msg: 'Shared usage counter unreachable; counting quotas per replica until it is back', error: (error as Error).message });
    this.sharedDown = true;
  }

  private touchShared(tokenId: string, month: string): void {
    this.sharedTouched.set(`${tokenId}|${month}`, { tokenId, month });
  }

  private addPending(tokenId: string, month: string, count: number): void {
    const key = `${tokenId}|${month}`;
    const pending = this.pendingCounts.get(key);
    // A negative pending increment is fine: the flush adds it to the stored row the earlier flush wrote.
    if (pending) pending.count += count;
    else this.pendingCounts.set(key, { tokenId, month, count });
    if (pending && pending.count === 0) this.pendingCounts.delete(key);
  }

  /**
   * Gives back one use counted by tryConsume at `consumedAt` (the call did not succeed). The
   * counter was loaded by that tryConsume, so this stays synchronous and exact.
   */
  refund(tokenId: string, consumedAt: Date): void {
    const month = usageMonth(consumedAt);
    if (this.shared) {
      // Settled asynchronously: the response has already gone out.
      this.shared.refund(tokenId, month).then(
        (given) => given && this.touchShared(tokenId, month),
        (error: unknown) => {
          this.sharedUnreachable(error);
          this.refundLocally(tokenId, month);
        },
      );
      return;
    }
    this.refundLocally(tokenId, month);
  }

  private refundLocally(tokenId: string, month: string): void {
    const counter = this.counters.get(`${tokenId}|${month}`);
    if (!counter || counter.value === 0) return;
    counter.value -= 1;
    this.addPending(tokenId, month, -1);
  }

  /** Remembers that a token was just used (any external route, counted or not). */
  touch(tokenId: string): void {
    const at = this.clock.now().toISOString();
    this.lastUsed.set(tokenId, at);
    this.pendingLastUsed.set(tokenId, at);
  }

  /** This month's usage of each token, including increments not yet flushed. */
  async usedThisMonth(tokenIds: readonly string[]): Promise<Map<string, number>> {
    const month = usageMonth(this.clock.now());
    if (this.shared) {
      const counted = await this.shared.read(tokenIds, month).catch((error: unknown) => {
        this.sharedUnreachable(error);
        return undefined;
      });
      if (counted) {
        const uncounted = tokenIds.filter((id) => !counted.has(id));
        // No shared counter yet: nobody used the token since it was last seeded, so the database is current.
        const stored = uncounted.length > 0 ? await this.repository.usageCounts(uncounted, month) : new Map<string, number>();
        return new Map(tokenIds.map((id) => [id, counted.get(id) ?? stored.get(id) ?? 0]));
      }
    }
    const missing = tokenIds.filter((id) => !this.counters.has(`${id}|${month}`) && !this.loading.has(`${id}|${month}`));
    if (missing.length > 0) {
      const stored = await this.repository.usageCounts(missing, month);
      for (const id of missing) {
        const key = `${id}|${month}`;
        // A concurrent load or consume may have got there first; its value already includes the row.
        if (!this.counters.has(key)) this.counters.set(key, { value: stored.get(id) ?? 0 });
      }
    }
    const result = new Map<string, number>();
    for (const id of tokenIds) result.set(id, (await this.counter(id, month)).value);
    return result;
  }

  /** The latest use seen by this process, newer than the stored value until the next flush. */
  lastUsedAt(tokenId: string): string | undefined {
    return this.lastUsed.get(tokenId);
  }

  /** Writes pending increments; on failure they are kept for the next attempt. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    if (this.pendingCounts.size === 0 && this.pendingLastUsed.size === 0 && this.sharedTouched.size === 0) return;
    const counts = this.pendingCounts;
    const lastUsed = this.pendingLastUsed;
    this.pendingCounts = new Map();
    this.pendingLastUsed = new Map();
    const unsaved = await this.takeSharedUnsaved();
    try {
      await this.repository.recordUsage([...counts.values(), ...unsaved], lastUsed);
      this.forgetSavedLastUses(lastUsed);
      this.forgetOldMonths();
    } catch (error) {
      await this.returnSharedUnsaved(unsaved);
      for (const [key, increment] of counts) {
        const newer = this.pendingCounts.get(key);
        if (newer) newer.count += increment.count;
        else this.pendingCounts.set(key, increment);
      }
      for (const [id, at] of lastUsed) if (!this.pendingLastUsed.has(id)) this.pendingLastUsed.set(id, at);
      this.logger.warn({ msg: 'Could not save token usage; will retry', error: (error as Error).message });
    }
  }

  /** The shared counters' unsaved parts for the tokens touched since the last flush; a token whose counter cannot be read now stays touched. */
  private async takeSharedUnsaved(): Promise<UsageIncrement[]> {
    const shared = this.shared;
    if (!shared || this.sharedTouched.size === 0) return [];
    const touched = this.sharedTouched;
    this.sharedTouched = new Map();
    const taken: UsageIncrement[] = [];
    for (const [key, { tokenId, month }] of touched) {
      try {
        const count = await shared.takeUnsaved(tokenId, month);
        if (count !== 0) taken.push({ tokenId, month, count });
      } catch (error) {
        this.sharedUnreachable(error);
        this.sharedTouched.set(key, { tokenId, month });
      }
    }
    return taken;
  }

  // The database write failed: give the parts back to the shared counter's unsaved share, and retry next flush.
  private async returnSharedUnsaved(unsaved: readonly UsageIncrement[]): Promise<void> {
    for (const { tokenId, month, count } of unsaved) {
      await this.shared?.returnUnsaved(tokenId, month, count).catch((error: unknown) => this.sharedUnreachable(error));
      this.touchShared(tokenId, month);
    }
  }

  private async counter(tokenId: string, month: string): Promise<Counter> {
    const key = `${tokenId}|${month}`;
    const existing = this.counters.get(key);
    if (existing) return existing;
    let load = this.loading.get(key);
    if (!load) {
      load = this.repository
        .usageCounts([tokenId], month)
        .then((stored) => {
          const counter = this.counters.get(key) ?? { value: stored.get(tokenId) ?? 0 };
          this.counters.set(key, counter);
          return counter;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, load);
    }
    return load;
  }

  // A saved last use is the stored value now; keeping it would grow the map with every token ever used.
  private forgetSavedLastUses(saved: ReadonlyMap<string, string>): void {
    for (const [id, at] of saved) {
      if (this.lastUsed.get(id) === at && !this.pendingLastUsed.has(id)) this.lastUsed.delete(id);
    }
  }

  /** How many tokens' last uses are held in memory (those not yet saved). */
  get unsavedLastUses(): number {
    return this.lastUsed.size;
  }

  // Counters of past months are never read again once their increments are saved.
  private forgetOldMonths(): void {
    const month = usageMonth(this.clock.now());
    for (const key of this.counters.keys()) {
      if (!key.endsWith(`|${month}`) && !this.pendingCounts.has(key)) this.counters.delete(key);
    }
  }
}
