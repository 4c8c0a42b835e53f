import type { Redis } from 'ioredis';

/**
 * The Lua scripts that make a read-decide-write on a shared counter one atomic Redis step
 * (Redis runs a script without interleaving other commands), registered with ioredis'
 * defineCommand so each is sent by SHA once loaded.
 */

/**
 * Generic cell rate algorithm, the same arithmetic as the in-memory TokenRateLimiter: the key
 * holds the bucket's limit and its "theoretical arrival time". A changed limit starts afresh.
 * ARGV: now ms, limit per minute, interval ms, burst ms. Returns 0 when admitted, else the ms to wait.
 */
const GCRA = `
local now = tonumber(ARGV[1])
local limit = ARGV[2]
local interval = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'limit', 'tat')
local tat = now
if stored[1] == limit and stored[2] then
  tat = math.max(tonumber(stored[2]), now)
end
local wait = tat - burst - now
if wait > 0 then return math.ceil(wait) end
local nextTat = tat + interval
redis.call('HSET', KEYS[1], 'limit', limit, 'tat', tostring(nextTat))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(nextTat - now)))
return 0
`;

/**
 * Counts one use against a monthly quota. ARGV: quota (-1 for none).
 * Returns -1 when the counter is absent (the caller seeds it from the database), 0 when the
 * quota is spent, 1 when counted.
 */
const QUOTA_CONSUME = `
local used = redis.call('GET', KEYS[1])
if not used then return -1 end
local quota = tonumber(ARGV[1])
if quota >= 0 and tonumber(used) >= quota then return 0 end
redis.call('INCR', KEYS[1])
return 1
`;

/** Gives one use back, never below zero. Returns the new value; -1 when the counter is absent, -2 when it is at zero. */
const QUOTA_REFUND = `
local used = redis.call('GET', KEYS[1])
if not used then return -1 end
if tonumber(used) <= 0 then return -2 end
return redis.call('DECR', KEYS[1])
`;

/**
 * The part of a usage counter no replica has written to the database yet: KEYS[1] the counter,
 * KEYS[2] how much of it the database holds. Moves the cursor to the counter and returns the
 * difference (negative after refunds), or nil when there is no counter. Any replica can take it,
 * so what a replica counted and never wrote (it was killed) reaches the database through another.
 */
const USAGE_TAKE_UNSAVED = `
local used = redis.call('GET', KEYS[1])
if not used then return nil end
local saved = redis.call('GET', KEYS[2])
if not saved then saved = used end
redis.call('SET', KEYS[2], used, 'EX', tonumber(ARGV[1]))
return tonumber(used) - tonumber(saved)
`;

export interface ModelportScripts {
  modelportGcra(key: string, nowMs: number, limit: number, intervalMs: number, burstMs: number): Promise<number>;
  modelportQuotaConsume(key: string, quota: number): Promise<number>;
  modelportQuotaRefund(key: string): Promise<number>;
  modelportUsageTakeUnsaved(counterKey: string, savedKey: string, ttlSeconds: number): Promise<number | null>;
}

const registered = new WeakSet<Redis>();

/** The client with the scripts defined on it (once per client). */
export function withScripts(client: Redis): Redis & ModelportScripts {
  if (!registered.has(client)) {
    client.defineCommand('modelportGcra', { numberOfKeys: 1, lua: GCRA });
    client.defineCommand('modelportQuotaConsume', { numberOfKeys: 1, lua: QUOTA_CONSUME });
    client.defineCommand('modelportQuotaRefund', { numberOfKeys: 1, lua: QUOTA_REFUND });
    client.defineCommand('modelportUsageTakeUnsaved', { numberOfKeys: 2, lua: USAGE_TAKE_UNSAVED });
    registered.add(client);
  }
  return client as Redis & ModelportScripts;
}
