import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiterStore } from '../common/rate-limiter-store.js';
import { LoginThrottle } from './login-throttle.js';
import { fakeConfig } from './testing/fakes.js';

describe('LoginThrottle', () => {
  const config = fakeConfig({ loginMaxFailures: 3, loginMaxFailuresPerAddress: 10, loginFailureWindowSeconds: 100, loginUsernameBackoffSeconds: 30 });
  let throttle: LoginThrottle;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    throttle = new LoginThrottle(config, new MemoryRateLimiterStore());
  });
  afterEach(() => vi.useRealTimers());

  it('blocks a (username, address) pair at the limit for the rest of the window, whatever the case of the username', async () => {
    await throttle.recordFailure('bob', '10.0.0.1');
    vi.advanceTimersByTime(20_000);
    await throttle.recordFailure('BOB', '10.0.0.1');
    await throttle.recordFailure('Bob', '10.0.0.1');
    expect(await throttle.check('bob', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 80 });
    vi.advanceTimersByTime(80_000);
    expect(await throttle.check('bob', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('never holds back an address that has not failed, however many failures the username has elsewhere', async () => {
    for (let i = 0; i < 50; i++) await throttle.recordFailure('root', `203.0.113.${i}`);
    expect(await throttle.check('root', '198.51.100.7')).toEqual({ allowed: true });
    expect(await throttle.check('ROOT', '198.51.100.8')).toEqual({ allowed: true });
  });

  it('slows a failing address once the username is under attack, and a success clears only that address', async () => {
    await throttle.recordFailure('root', '203.0.113.1');
    expect(await throttle.check('root', '203.0.113.1')).toEqual({ allowed: true });
    await throttle.recordFailure('root', '203.0.113.2');
    await throttle.recordFailure('root', '203.0.113.3');
    // Three failures on root from anywhere: every address that failed waits out its backoff.
    expect(await throttle.check('root', '203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    vi.advanceTimersByTime(30_000);
    expect(await throttle.check('root', '203.0.113.1')).toEqual({ allowed: true });
    await throttle.recordFailure('root', '203.0.113.4');
    await throttle.recordSuccess('root', '203.0.113.4');
    expect(await throttle.check('root', '203.0.113.4')).toEqual({ allowed: true });
  });

  it('counts one address across usernames', async () => {
    for (let i = 0; i < 10; i++) await throttle.recordFailure(`user-${i}`, '192.0.2.1');
    expect((await throttle.check('fresh', '192.0.2.1')).allowed).toBe(false);
    expect((await throttle.check('fresh', '192.0.2.2')).allowed).toBe(true);
    await throttle.recordSuccess('user-1', '192.0.2.1');
    expect((await throttle.check('user-1', '192.0.2.1')).allowed).toBe(false);
  });

  it('forgets everything once the window has passed', async () => {
    for (let i = 0; i < 200; i++) await throttle.recordFailure(`user-${i}`, `198.51.100.${i % 50}`);
    vi.advanceTimersByTime(101_000);
    expect(await throttle.check('user-1', '198.51.100.1')).toEqual({ allowed: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});
