/**
 * Monthly usage counters in a store shared by every replica (Redis), where checking the quota and
 * counting one use is a single atomic step. The database stays the durable record: a replica that
 * counted for a token takes the part of the shared counter nobody saved yet and writes it there, so
 * counts of a replica that died before saving reach the database through the next one. Absent (null) for one process or PostgreSQL without
 * Redis, where the tracker counts in memory as it always has.
 */
export abstract class SharedUsageCounter {
  /** Counts one use unless the quota (null: none) is spent. Null when the counter does not exist yet: seed it, then retry. */
  abstract tryConsume(tokenId: string, month: string, monthlyQuota: number | null): Promise<boolean | null>;
  /** Creates the counter with the stored value, unless another replica created it first. */
  abstract seed(tokenId: string, month: string, stored: number): Promise<void>;
  /** Gives one use back; false when there was no counter to give it back to. */
  abstract refund(tokenId: string, month: string): Promise<boolean>;
  /** Marks the whole counter as saved and returns the part that was not yet (negative after refunds). */
  abstract takeUnsaved(tokenId: string, month: string): Promise<number>;
  /** Undoes takeUnsaved when writing that part to the database failed. */
  abstract returnUnsaved(tokenId: string, month: string, count: number): Promise<void>;
  /** The shared counts of the tokens that have a counter this month. */
  abstract read(tokenIds: readonly string[], month: string): Promise<Map<string, number>>;
}
