import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from '../auth/login-throttle.js';
import { fakeConfig } from '../auth/testing/fakes.js';
import { MemoryRateLimiterStore } from '../common/rate-limiter-store.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

const limiter = () => new TokenRateLimiter(new MemoryRateLimiterStore());

describe('TokenRateLimiter', () => {
  it('allows the limit at once, then refuses with a Retry-After until a slot refills', async () => {
    const bucket = limiter();
    expect((await bucket.take('t', 2, 0)).allowed).toBe(true);
    expect((await bucket.take('t', 2, 0)).allowed).toBe(true);
    expect(await bucket.take('t', 2, 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect((await bucket.take('t', 2, 29_000)).allowed).toBe(false);
    expect((await bucket.take('t', 2, 30_000)).allowed).toBe(true);
    expect((await bucket.take('t', 2, 30_000)).allowed).toBe(false);
  });

  it('refills continuously: a quiet token gets its whole burst back', async () => {
    const bucket = limiter();
    for (let i = 0; i < 3; i++) expect((await bucket.take('t', 3, 0)).allowed).toBe(true);
    expect((await bucket.take('t', 3, 0)).allowed).toBe(false);
    for (let i = 0; i < 3; i++) expect((await bucket.take('t', 3, 60_000)).allowed).toBe(true);
    expect((await bucket.take('t', 3, 60_000)).allowed).toBe(false);
  });

  it('concurrent requests never share the last slot', async () => {
    const bucket = limiter();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => bucket.take('t', 4, 0)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(4);
  });

  it('keeps tokens apart', async () => {
    const bucket = limiter();
    expect((await bucket.take('a', 1, 0)).allowed).toBe(true);
    expect((await bucket.take('a', 1, 0)).allowed).toBe(false);
    expect((await bucket.take('b', 1, 0)).allowed).toBe(true);
  });

  it('starts a fresh bucket when the limit changes, and forgets a token on request', async () => {
    const bucket = limiter();
    expect((await bucket.take('a', 1, 0)).allowed).toBe(true);
    expect((await bucket.take('a', 1, 0)).allowed).toBe(false);
    expect((await bucket.take('a', 5, 0)).allowed).toBe(true);
    await bucket.forget('a');
    expect((await bucket.take('a', 1, 0)).allowed).toBe(true);
  });

  it('never reports less than one second', async () => {
    const bucket = limiter();
    for (let i = 0; i < 1000; i++) await bucket.take('a', 1000, 0);
    expect(await bucket.take('a', 1000, 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  describe('buckets are pruned once their window has passed (fake clock and timers)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a token bucket record goes once the bucket would be full again', async () => {
      vi.useFakeTimers({ now: 0 });
      const store = new MemoryRateLimiterStore();
      const bucket = new TokenRateLimiter(store);
      for (let i = 0; i < 500; i++) await bucket.take(`token-${i}`, 60, Date.now());
      expect(store.heldKeys()).toBe(500);
      await vi.advanceTimersByTimeAsync(61_000);
      expect(store.heldKeys()).toBe(0);
    });

    it('login-throttle records of 500 strangers’ usernames go once their windows have passed', async () => {
      vi.useFakeTimers({ now: 0 });
      const store = new MemoryRateLimiterStore();
      const throttle = new LoginThrottle(fakeConfig({ loginMaxFailures: 5, loginFailureWindowSeconds: 60 }), store);
      for (let i = 0; i < 500; i++) await throttle.recordFailure(`guess-${i}`, `198.51.100.${i % 250}`);
      expect(store.heldKeys()).toBeGreaterThanOrEqual(500);
      await vi.advanceTimersByTimeAsync(15 * 60_000);
      expect(store.heldKeys()).toBe(0);
    });
  });
});
