import { describe, expect, it } from 'vitest';
import { TokenRateLimiter } from './token-rate-limiter.js';

describe('TokenRateLimiter', () => {
  it('allows the limit at once, then refuses with a Retry-After until a slot refills', () => {
    const limiter = new TokenRateLimiter();
    expect(limiter.take('t', 2, 0).allowed).toBe(true);
    expect(limiter.take('t', 2, 0).allowed).toBe(true);
    expect(limiter.take('t', 2, 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take('t', 2, 29_000).allowed).toBe(false);
    expect(limiter.take('t', 2, 30_000).allowed).toBe(true);
  });

  it('keeps tokens apart', () => {
    const limiter = new TokenRateLimiter();
    expect(limiter.take('a', 1, 0).allowed).toBe(true);
    expect(limiter.take('a', 1, 0).allowed).toBe(false);
    expect(limiter.take('b', 1, 0).allowed).toBe(true);
  });

  it('starts a fresh bucket when the limit changes', () => {
    const limiter = new TokenRateLimiter();
    expect(limiter.take('a', 1, 0).allowed).toBe(true);
    expect(limiter.take('a', 1, 0).allowed).toBe(false);
    expect(limiter.take('a', 5, 0).allowed).toBe(true);
  });

  it('never reports less than one second', () => {
    const limiter = new TokenRateLimiter();
    limiter.take('a', 1000, 0);
    for (let i = 0; i < 999; i++) limiter.take('a', 1000, 0);
    const decision = limiter.take('a', 1000, 0);
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
