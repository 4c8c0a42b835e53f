import type { LoadedModel } from '../../engines/sdk/index.js';

/** A loaded on-demand model the budget may unload to make room. */
export interface EvictionCandidate {
  modelId: string;
  bytes: number;
  /** Clock ms of its last request; null when it never had one. */
  lastUsedAt: number | null;
}

/**
 * The memory budget of one server: what every loaded instance was measured to cost, by model.
 * Pure bookkeeping; the residency manager decides what to load and unload from it. A limit of 0
 * means unlimited (instances are still measured and reported).
 */
export class MemoryBudget {
  private readonly charges = new Map<LoadedModel, { modelId: string; bytes: number }>();

  constructor(readonly limitBytes: number) {}

  get unlimited(): boolean {
    return this.limitBytes <= 0;
  }

  get usedBytes(): number {
    let sum = 0;
    for (const charge of this.charges.values()) sum += charge.bytes;
    return sum;
  }

  /** Room left (Infinity when unlimited; negative when over). */
  get freeBytes(): number {
    return this.unlimited ? Number.POSITIVE_INFINITY : this.limitBytes - this.usedBytes;
  }

  bytesOf(modelId: string): number {
    let sum = 0;
    for (const charge of this.charges.values()) if (charge.modelId === modelId) sum += charge.bytes;
    return sum;
  }

  /**
   * Charges `bytes` for `model` and returns the instance to serve with: disposing it refunds the
   * charge, wherever the dispose happens (unload, undeploy, the old side of a swap).
   */
  charge(modelId: string, model: LoadedModel, bytes: number): LoadedModel {
    this.charges.set(model, { modelId, bytes });
    let refunded = false;
    const refund = () => {
      if (refunded) return;
      refunded = true;
      this.charges.delete(model);
    };
    return {
      get signature() {
        return model.signature;
      },
      get maxBatchSize() {
        return model.maxBatchSize;
      },
      execute: (requests) => model.execute(requests),
      ...(model.restart ? { restart: () => model.restart!() } : {}),
      dispose: () => {
        refund();
        return model.dispose();
      },
    };
  }

  /**
   * Which candidates to unload, least recently used first, so that `neededBytes` more fit; [] when
   * they fit already, undefined when even unloading every candidate would not make enough room.
   */
  planEviction(neededBytes: number, candidates: EvictionCandidate[]): string[] | undefined {
    let free = this.freeBytes;
    if (neededBytes <= free) return [];
    const chosen: string[] = [];
    const order = [...candidates].sort((a, b) => (a.lastUsedAt ?? Number.NEGATIVE_INFINITY) - (b.lastUsedAt ?? Number.NEGATIVE_INFINITY));
    for (const candidate of order) {
      chosen.push(candidate.modelId);
      free += candidate.bytes;
      if (neededBytes <= free) return chosen;
    }
    return undefined;
  }
}
