import type { LoadedModel } from '../../engines/sdk/index.js';

export interface InstanceSlot {
  model: LoadedModel;
  /** Running a batch; engines are never called concurrently on one instance. */
  busy: boolean;
}

/** An instance that can be down for a while (a child process being respawned) says so. */
interface MaybeRestarting {
  readonly available?: boolean;
}

/**
 * The loaded instances of one deployed version. Dispatch takes an idle slot and gives it back;
 * `dispose` frees idle instances at once and busy ones as soon as their batch returns, and
 * settles when every instance is freed.
 */
export class InstancePool {
  readonly slots: InstanceSlot[];
  private disposal?: Promise<void>;
  private waitingForIdle = new Set<InstanceSlot>();
  private markDisposed?: () => void;
  private pendingDisposals: Promise<void>[] = [];

  constructor(models: LoadedModel[]) {
    this.slots = models.map((model) => ({ model, busy: false }));
  }

  get size(): number {
    return this.slots.length;
  }

  get busyCount(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  get disposing(): boolean {
    return this.disposal !== undefined;
  }

  /**
   * An idle instance other than `except`: one that is up first, else one being restarted (its
   * execute waits for the restart), so a batch goes to a dead instance only when no live one is idle.
   */
  freeSlot(except?: InstanceSlot): InstanceSlot | undefined {
    if (this.disposal) return undefined;
    const idle = this.slots.filter((slot) => !slot.busy && slot !== except);
    return idle.find((slot) => (slot.model as MaybeRestarting).available !== false) ?? idle[0];
  }

  acquire(slot: InstanceSlot): void {
    slot.busy = true;
  }

  release(slot: InstanceSlot): void {
    slot.busy = false;
    if (this.waitingForIdle.delete(slot)) this.disposeSlot(slot);
  }

  /** Frees every instance (busy ones when they return); idempotent. */
  dispose(): Promise<void> {
    if (!this.disposal) {
      this.disposal = new Promise<void>((resolve) => (this.markDisposed = resolve));
      for (const slot of this.slots) {
        if (slot.busy) this.waitingForIdle.add(slot);
        else this.disposeSlot(slot);
      }
      this.checkDisposed();
    }
    return this.disposal;
  }

  /** Frees every instance now, busy or not (their running calls fail); used when a drain gives up. */
  forceDispose(): Promise<void> {
    const disposal = this.dispose();
    for (const slot of [...this.waitingForIdle]) {
      this.waitingForIdle.delete(slot);
      this.disposeSlot(slot);
    }
    return disposal;
  }

  /** Adds loaded instances (an on-demand model being loaded); false once the pool is being disposed. */
  add(models: LoadedModel[]): boolean {
    if (this.disposal) return false;
    for (const model of models) this.slots.push({ model, busy: false });
    return true;
  }

  /** Removes every instance when none is busy (an on-demand model being unloaded); the caller disposes them. */
  takeAllIdle(): LoadedModel[] | undefined {
    if (this.disposal || this.slots.some((slot) => slot.busy)) return undefined;
    return this.slots.splice(0, this.slots.length).map((slot) => slot.model);
  }

  private disposeSlot(slot: InstanceSlot): void {
    this.pendingDisposals.push(slot.model.dispose().catch(() => undefined));
    this.checkDisposed();
  }

  private checkDisposed(): void {
    if (!this.markDisposed || this.waitingForIdle.size > 0) return;
    const markDisposed = this.markDisposed;
    this.markDisposed = undefined;
    void Promise.all(this.pendingDisposals).then(() => markDisposed());
  }
}
