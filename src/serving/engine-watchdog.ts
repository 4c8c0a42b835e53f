import pTimeout, { TimeoutError } from 'p-timeout';
import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { pTimeoutTimers, RuntimeTimers } from './runtime-timers.js';

export interface WatchedCall {
  results: ExecuteResult[];
  /** The engine did not answer in time; its instance was restarted (or, if it cannot be, awaited). */
  hung: boolean;
}

/**
 * Runs one engine call that must answer within `limitMs`. A call that does not is treated as
 * hung: the instance is restarted (its worker terminated and respawned) so the slot can take the
 * next batch, and every request of the batch gets ENGINE_TIMEOUT. An engine that cannot restart
 * keeps its slot until the call returns, because engines are never called concurrently.
 */
export async function executeWithWatchdog(model: LoadedModel, requests: NamedTensors[], limitMs: number, timers: RuntimeTimers): Promise<WatchedCall> {
  const call = model.execute(requests);
  try {
    const results = await pTimeout(call, { milliseconds: Math.max(0, limitMs), customTimers: pTimeoutTimers(timers) });
    return { results, hung: false };
  } catch (error) {
    if (error instanceof TimeoutError) {
      call.catch(() => undefined);
      if (model.restart) await model.restart().catch(() => undefined);
      else await call.catch(() => undefined);
      return { results: requests.map(() => ({ ok: false, error: { code: 'ENGINE_TIMEOUT', message: 'the engine did not answer in time' } })), hung: true };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { results: requests.map(() => ({ ok: false, error: { code: 'INFERENCE_FAILED', message } })), hung: false };
  }
}
