import { describe, expect, it } from 'vitest';
import { rowsToDispatch } from './batch-policy.js';
import { applyBatchProfile } from './deployment-manager.js';

const policy = { maxBatchSize: 8, maxQueueDelayMs: 10, preferredBatchSizes: [4, 8] };
const state = (waitingRows: number, oldestWaitMs = 0, extra: Partial<{ maxRows: number; draining: boolean }> = {}) => ({
  waitingRows,
  oldestWaitMs,
  maxRows: 8,
  draining: false,
  ...extra,
});

describe('rowsToDispatch', () => {
  it('sends a full batch at once', () => {
    expect(rowsToDispatch(policy, state(8))).toBe(8);
    expect(rowsToDispatch(policy, state(20))).toBe(8);
  });

  it('takes the largest preferred size already available instead of waiting', () => {
    expect(rowsToDispatch(policy, state(6))).toBe(4);
    expect(rowsToDispatch(policy, state(4))).toBe(4);
  });

  it('waits below every preferred size until the oldest item has waited maxQueueDelayMs', () => {
    expect(rowsToDispatch(policy, state(3, 9))).toBe(0);
    expect(rowsToDispatch(policy, state(3, 10))).toBe(3);
    expect(rowsToDispatch({ ...policy, preferredBatchSizes: [] }, state(6, 1))).toBe(0);
    expect(rowsToDispatch({ ...policy, preferredBatchSizes: [] }, state(6, 10))).toBe(6);
  });

  it('respects an engine limit below maxBatchSize, including for preferred sizes', () => {
    expect(rowsToDispatch(policy, state(6, 0, { maxRows: 2 }))).toBe(2);
    expect(rowsToDispatch({ ...policy, preferredBatchSizes: [4] }, state(3, 0, { maxRows: 3 }))).toBe(3);
  });

  it('groups no more than the profiled batch target, however many rows wait', () => {
    expect(rowsToDispatch({ ...policy, preferredBatchSizes: [1, 2], batchTarget: 2 }, state(20))).toBe(2);
    expect(rowsToDispatch({ ...policy, preferredBatchSizes: [], batchTarget: 3 }, state(3))).toBe(3);
  });

  it('does not wait while draining, and sends nothing when nothing waits', () => {
    expect(rowsToDispatch(policy, state(3, 0, { draining: true }))).toBe(3);
    expect(rowsToDispatch(policy, state(0, 100))).toBe(0);
  });
});

describe('applyBatchProfile', () => {
  const resolved = { batching: { maxBatchSize: 8, maxQueueDelayMs: 2, preferredBatchSizes: [] } } as never;
  const profile = { maxBatchSize: 2, preferredBatchSizes: [1, 2], points: [{ batchSize: 1, ms: 1, msPerItem: 1 }] } as never;

  it('limits grouping to the profile but keeps the rows one request may carry', () => {
    const applied = applyBatchProfile(resolved, {} as never, profile);
    expect(applied.batching).toEqual({ maxBatchSize: 8, maxQueueDelayMs: 2, preferredBatchSizes: [1, 2], batchTarget: 2 });
  });

  it('lets an explicit maxBatchSize win over the profile', () => {
    const applied = applyBatchProfile(resolved, { batching: { maxBatchSize: 8 } } as never, profile);
    expect(applied.batching.batchTarget).toBe(8);
  });
});
