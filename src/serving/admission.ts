import { ApiError } from '../common/api-error.js';

/** Where an admission takes its places from: one runtime, one served version. */
export interface PlaceLedger {
  hold(count: number): void;
  /** Holds places without a room check, for items already admitted (finishing after the engine). */
  keep(count: number): void;
  giveBack(count: number): void;
}

/**
 * Places in one runtime's queue held for items that were admitted but are still being read or
 * preprocessed, so a full queue refuses a request before it pays for anything. An admission is
 * bound to the deployment (version, config, signature) that was serving when it was granted:
 * its items are preprocessed, run and postprocessed for that deployment, even if a hot swap
 * happens in between. `submit` uses one place per item; whatever is left must be given back with
 * `release` (idempotent), on success, error or client abort alike.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers that only pass an admission through need not name its deployment type
export class Admission<D = any> {
  private count: number;

  constructor(
    private readonly ledger: PlaceLedger,
    readonly deployment: D,
    count: number,
  ) {
    ledger.hold(count);
    this.count = count;
  }

  /** Places still held. */
  get held(): number {
    return this.count;
  }

  /** Holds more places until `total` are held; throws (still holding what it held) when there is no room. */
  growTo(total: number): void {
    if (total <= this.count) return;
    this.ledger.hold(total - this.count);
    this.count = total;
  }

  /**
   * Takes places again for items that have run and are being postprocessed and encoded, without
   * a room check (they were admitted): the queue's bound then covers work waiting after the
   * engine as well as before it, so a model whose postprocessing is the bottleneck refuses a
   * flood with 503 instead of piling it up behind the encoder. Given back by `release`.
   */
  keepWhileFinishing(count: number): void {
    if (count <= 0) return;
    this.ledger.keep(count);
    this.count += count;
  }

  /** Gives back every place not used by a submit. */
  release(): void {
    if (this.count === 0) return;
    this.ledger.giveBack(this.count);
    this.count = 0;
  }

  /** Uses one held place for an item entering the queue; false when none is held. */
  usePlace(): boolean {
    if (this.count <= 0) return false;
    this.ledger.giveBack(1);
    this.count--;
    return true;
  }

  /** Whether this admission draws on `ledger`. */
  drawsOn(ledger: PlaceLedger): boolean {
    return this.ledger === ledger;
  }
}

/**
 * The admission ledger of one runtime: places reserved by admissions still preprocessing, and
 * the counts the stats report. Queued items plus reserved places never exceed the queue's size.
 */
export class AdmissionLedger {
  reserved = 0;
  admitted = 0;
  rejected = 0;

  constructor(private readonly room: { queued(): number; capacity(): number; closed(): boolean }) {}

  hasRoom(count: number): boolean {
    return this.room.queued() + this.reserved + count <= this.room.capacity();
  }

  hold(count: number): void {
    if (this.room.closed()) throw notDeployed();
    if (!this.hasRoom(count)) {
      this.rejected++;
      throw queueFull();
    }
    this.reserved += count;
    this.admitted += count;
  }

  keep(count: number): void {
    this.reserved += count;
  }

  giveBack(count: number): void {
    this.reserved -= count;
  }
}

export function notDeployed(): ApiError {
  return new ApiError(409, 'MODEL_NOT_DEPLOYED', 'The model is being undeployed');
}

export function queueFull(): ApiError {
  return new ApiError(503, 'QUEUE_FULL', 'The model queue is full; retry later', undefined, { 'Retry-After': '1' });
}
