export interface BatchingPolicy {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Ascending; every value is at most maxBatchSize. */
  preferredBatchSizes: number[];
  /** Rows the batcher groups at most on its own (the batch profile's size); a larger single item still runs alone. */
  batchTarget?: number;
}

export interface WaitingState {
  /** Rows waiting in the queue. */
  waitingRows: number;
  /** How long the oldest waiting item has waited. */
  oldestWaitMs: number;
  /** Largest number of rows one engine call may carry (engine limit and maxBatchSize). */
  maxRows: number;
  /** While draining nothing waits for a fuller batch. */
  draining: boolean;
}

/**
 * How many rows to dispatch now; 0 means keep waiting for a fuller batch. A full batch goes at
 * once; otherwise the largest preferred size that is already available (6 waiting with [4, 8]
 * sends 4 now); otherwise everything waiting once the oldest item has waited maxQueueDelayMs.
 */
export function rowsToDispatch(policy: BatchingPolicy, state: WaitingState): number {
  const { waitingRows } = state;
  const maxRows = Math.max(1, Math.min(state.maxRows, policy.batchTarget ?? state.maxRows));
  if (waitingRows <= 0) return 0;
  if (waitingRows >= maxRows) return maxRows;
  if (state.draining) return waitingRows;
  const preferred = policy.preferredBatchSizes.filter((size) => size <= waitingRows && size <= maxRows);
  if (preferred.length > 0) return preferred[preferred.length - 1];
  return state.oldestWaitMs >= policy.maxQueueDelayMs ? waitingRows : 0;
}
