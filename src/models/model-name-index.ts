import { Injectable } from '@nestjs/common';

export interface ModelIdentity {
  id: string;
  name: string;
}

/**
 * Every model's id and name, in memory, so resolving an id or name on the request path needs no
 * query. The model repository reports each committed write (create, rename, delete), so the index
 * is exact; because it holds ALL models once loaded, a miss is authoritative and nothing is cached
 * for names nobody owns (memory is bounded by the models table).
 *
 * Loading reads the whole table once. A read that overlaps a write is discarded and repeated: the
 * single sqlite3 connection lets a plain read see a transaction's uncommitted rows, and a write
 * reported while the read was in flight might be older or newer than what the read saw.
 */
@Injectable()
export class ModelNameIndex {
  private readonly nameById = new Map<string, string>();
  private readonly idByName = new Map<string, string>();
  private loaded = false;
  private loading?: Promise<void>;
  private generation = 0;
  private writesInFlight = 0;
  private idleWaiters: Array<() => void> = [];

  get isLoaded(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.nameById.size;
  }

  /** Loads the index with `readAll` unless it already is; concurrent callers share one read. */
  async ensureLoaded(readAll: () => Promise<ModelIdentity[]>): Promise<void> {
    while (!this.loaded) {
      this.loading ??= this.loadOnce(readAll).finally(() => (this.loading = undefined));
      await this.loading;
    }
  }

  /** The id of the model whose id or name this is (an id wins over a name), or null. Call once loaded. */
  resolve(idOrName: string): string | null {
    if (this.nameById.has(idOrName)) return idOrName;
    return this.idByName.get(idOrName) ?? null;
  }

  /**
   * Runs a database write that may change ids or names; `apply` updates the index only once the
   * write has committed, so a failed write (e.g. a duplicate name) leaves the index as it was.
   */
  async write<T>(work: () => Promise<T>, apply: () => void): Promise<T> {
    this.writesInFlight++;
    this.generation++;
    try {
      const result = await work();
      if (this.loaded) apply();
      return result;
    } finally {
      this.writesInFlight--;
      this.generation++;
      if (this.writesInFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  added(identity: ModelIdentity): void {
    this.nameById.set(identity.id, identity.name);
    this.idByName.set(identity.name, identity.id);
  }

  renamed(id: string, name: string): void {
    const previous = this.nameById.get(id);
    if (previous === undefined) return;
    if (this.idByName.get(previous) === id) this.idByName.delete(previous);
    this.nameById.set(id, name);
    this.idByName.set(name, id);
  }

  removed(id: string): void {
    const name = this.nameById.get(id);
    if (name === undefined) return;
    this.nameById.delete(id);
    if (this.idByName.get(name) === id) this.idByName.delete(name);
  }

  private async loadOnce(readAll: () => Promise<ModelIdentity[]>): Promise<void> {
    if (this.writesInFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const started = this.generation;
    const rows = await readAll();
    if (this.generation !== started || this.writesInFlight > 0) return;
    this.nameById.clear();
    this.idByName.clear();
    for (const row of rows) this.added(row);
    this.loaded = true;
  }
}
