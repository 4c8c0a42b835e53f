import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { choose, profileBatchSizes } from './batch-profile.js';

/** An engine whose call costs `fixed + perItem × n` on a fake clock. */
function costModel(fixed: number, perItem: number, clock: { now: number }): LoadedModel {
  return {
    signature: { inputs: [], outputs: [] },
    maxBatchSize: 64,
    async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
      clock.now += fixed + perItem * requests.length;
      return requests.map(() => ({ ok: true, outputs: {} }));
    },
    async dispose() {},
  };
}

describe('batch profile', () => {
  it('batches a model whose per-item cost falls with the batch size, up to the limit', async () => {
    const clock = { now: 0 };
    const profile = await profileBatchSizes(costModel(10, 1, clock), () => ({}), 8, () => clock.now);
    expect(profile.points.map((point) => point.batchSize)).toEqual([1, 2, 4, 8]);
    expect(profile).toMatchObject({ maxBatchSize: 8, preferredBatchSizes: [2, 4, 8] });
  });

  it('does not batch a model that gains nothing, and stops measuring after two calls', async () => {
    const clock = { now: 0 };
    const profile = await profileBatchSizes(costModel(0, 50, clock), () => ({}), 8, () => clock.now);
    expect(profile.points.map((point) => point.batchSize)).toEqual([1, 2]);
    expect(profile).toMatchObject({ maxBatchSize: 1, preferredBatchSizes: [] });
  });

  it('keeps only sizes that beat every smaller one by the margin', () => {
    const points = [1, 2, 4, 8].map((batchSize, index) => ({ batchSize, ms: 0, msPerItem: [10, 8, 7.9, 5][index] }));
    expect(choose(points)).toMatchObject({ maxBatchSize: 8, preferredBatchSizes: [2, 8] });
  });
});
