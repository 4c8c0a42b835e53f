import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { CALLS_PER_SIZE, choose, profileBatchSizes } from './batch-profile.js';

/** An engine whose call costs `fixed + perItem × n` on a fake clock, plus `delay(call)` for the call-th call. */
function costModel(fixed: number, perItem: number, clock: { now: number }, delay: (call: number) => number = () => 0): LoadedModel & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    signature: { inputs: [], outputs: [] },
    maxBatchSize: 64,
    async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
      clock.now += fixed + perItem * requests.length + delay(calls.length);
      calls.push(requests.length);
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

  it('does not batch a model that gains nothing, and stops measuring after two sizes', async () => {
    const clock = { now: 0 };
    const model = costModel(0, 50, clock);
    const profile = await profileBatchSizes(model, () => ({}), 8, () => clock.now);
    expect(profile.points.map((point) => point.batchSize)).toEqual([1, 2]);
    expect(model.calls).toEqual([...Array(CALLS_PER_SIZE).fill(1), ...Array(CALLS_PER_SIZE).fill(2)]);
    expect(profile).toMatchObject({ maxBatchSize: 1, preferredBatchSizes: [] });
  });

  it('times each size by its fastest call, so one disturbed single-item call does not make batching look good', async () => {
    const clock = { now: 0 };
    // Per-item cost is flat (no gain from batching); the very first call is slowed by 60 ms.
    const model = costModel(0, 50, clock, (call) => (call === 0 ? 60 : 0));
    const profile = await profileBatchSizes(model, () => ({}), 8, () => clock.now);
    expect(profile.points[0]).toMatchObject({ batchSize: 1, ms: 50 });
    expect(profile).toMatchObject({ maxBatchSize: 1, preferredBatchSizes: [] });
  });

  it('keeps only sizes that beat every smaller one by the margin', () => {
    const points = [1, 2, 4, 8].map((batchSize, index) => ({ batchSize, ms: 0, msPerItem: [10, 8, 7.9, 5][index] }));
    expect(choose(points)).toMatchObject({ maxBatchSize: 8, preferredBatchSizes: [2, 8] });
  });
});
