import { Injectable } from '@nestjs/common';
import AsyncLock from 'async-lock';

/**
 * Serialises lifecycle operations per model (deploy, swap, undeploy, delete, restore), so two
 * admins clicking at once cannot interleave a swap with an undeploy. Different models run freely.
 */
@Injectable()
export class ModelLocks {
  private readonly lock = new AsyncLock({ maxPending: Number.POSITIVE_INFINITY });

  run<T>(modelId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.acquire(modelId, work);
  }
}
