/**
 * A bounded priority queue: higher priority first, FIFO within a priority. Entries carry a
 * sequence number so ordering stays stable however they were inserted. Sizes are small (at most
 * a few thousand waiting requests), so a sorted array with binary-search insertion beats a heap
 * on simplicity and keeps removal of a cancelled entry cheap enough.
 */
export interface QueueEntryBase {
  priority: number;
  /** Assigned by the queue on insertion. */
  sequence: number;
}

export class RequestQueue<T extends QueueEntryBase> {
  private readonly entries: T[] = [];
  private nextSequence = 0;

  constructor(public maxSize: number) {}

  get size(): number {
    return this.entries.length;
  }

  isFull(): boolean {
    return this.entries.length >= this.maxSize;
  }

  /** Returns false (and leaves the queue unchanged) when it is full. */
  offer(entry: T): boolean {
    if (this.isFull()) return false;
    entry.sequence = this.nextSequence++;
    this.entries.splice(this.insertionIndex(entry), 0, entry);
    return true;
  }

  /** The entry that would be dispatched next, without removing it. */
  peek(): T | undefined {
    return this.entries[0];
  }

  /** The entry that has waited longest (lowest sequence), whatever its priority. */
  oldest(): T | undefined {
    let oldest: T | undefined;
    for (const entry of this.entries) if (!oldest || entry.sequence < oldest.sequence) oldest = entry;
    return oldest;
  }

  shift(): T | undefined {
    return this.entries.shift();
  }

  remove(entry: T): boolean {
    const index = this.entries.indexOf(entry);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }

  /** Removes and returns every entry matching `predicate`. */
  removeWhere(predicate: (entry: T) => boolean): T[] {
    const removed: T[] = [];
    for (let index = this.entries.length - 1; index >= 0; index--) {
      if (predicate(this.entries[index])) removed.unshift(...this.entries.splice(index, 1));
    }
    return removed;
  }

  /** Entries in dispatch order (a copy). */
  toArray(): T[] {
    return [...this.entries];
  }

  private insertionIndex(entry: T): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.entries[middle];
      const before = other.priority > entry.priority || (other.priority === entry.priority && other.sequence < entry.sequence);
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
