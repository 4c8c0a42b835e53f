import { Injectable } from '@nestjs/common';

/**
 * Serialises lifecycle operations per model (deploy, swap, undeploy, delete, restore), so two
 * admins clicking at once cannot interleave a swap with an undeploy. Different models run freely.
 */
@Injectable()
export class ModelLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(modelId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(modelId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    this.tails.set(modelId, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(modelId) === current) this.tails.delete(modelId);
    }
  }
}
