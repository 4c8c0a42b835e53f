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

export interface QueueEntry extends QueueEntryBase {
  /** Batch rows the entry carries. */
  rows: number;
}

export class RequestQueue<T extends QueueEntry> {
  private readonly entries: T[] = [];
  /** The same entries in arrival order (a Set keeps insertion order and deletes in O(1)). */
  private readonly arrivals = new Set<T>();
  private rows = 0;
  private nextSequence = 0;

  constructor(public maxSize: number) {}

  get size(): number {
    return this.entries.length;
  }

  /** Total batch rows waiting. */
  get waitingRows(): number {
    return this.rows;
  }

  isFull(): boolean {
    return this.entries.length >= this.maxSize;
  }

  /** Returns false (and leaves the queue unchanged) when it is full. */
  offer(entry: T): boolean {
    if (this.isFull()) return false;
    entry.sequence = this.nextSequence++;
    this.entries.splice(this.insertionIndex(entry), 0, entry);
    this.arrivals.add(entry);
    this.rows += entry.rows;
    return true;
  }

  /**
   * Puts back an entry taken from this queue, at the place its priority and original sequence give
   * it; the bound does not apply, because the entry was admitted already.
   */
  requeue(entry: T): void {
    this.entries.splice(this.insertionIndex(entry), 0, entry);
    this.arrivals.add(entry);
    this.rows += entry.rows;
  }

  /** The entry that would be dispatched next, without removing it. */
  peek(): T | undefined {
    return this.entries[0];
  }

  /** The entry that has waited longest (lowest sequence), whatever its priority. */
  oldest(): T | undefined {
    return this.arrivals.values().next().value;
  }

  shift(): T | undefined {
    const entry = this.entries.shift();
    if (entry) this.forget(entry);
    return entry;
  }

  remove(entry: T): boolean {
    if (!this.arrivals.has(entry)) return false;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.forget(entry);
    return true;
  }

  /** Entries in dispatch order, without copying; do not modify the queue while iterating. */
  inOrder(): readonly T[] {
    return this.entries;
  }

  /** Entries in dispatch order (a copy). */
  toArray(): T[] {
    return [...this.entries];
  }

  private forget(entry: T): void {
    this.arrivals.delete(entry);
    this.rows -= entry.rows;
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
