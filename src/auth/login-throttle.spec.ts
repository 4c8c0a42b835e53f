import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';
import { FakeClock, fakeConfig } from './testing/fakes.js';

describe('LoginThrottle', () => {
  const config = fakeConfig({ loginMaxFailures: 3, loginFailureWindowSeconds: 100 });

  it('blocks at the limit until the failure that tipped it leaves the window', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(config, clock);
    throttle.recordFailure('bob', '10.0.0.1');
    clock.advance(20_000);
    throttle.recordFailure('bob', '10.0.0.2');
    throttle.recordFailure('bob', '10.0.0.3');
    expect(throttle.check('bob', '10.0.0.9')).toEqual({ allowed: false, retryAfterSeconds: 80 });
    clock.advance(80_000);
    expect(throttle.check('bob', '10.0.0.9')).toEqual({ allowed: true });
    // Two of the three failures are still inside the window: one more blocks again, for 20 s.
    throttle.recordFailure('bob', '10.0.0.4');
    expect(throttle.check('BOB', '10.0.0.9')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('counts per IP across usernames, and a success clears only the username', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(config, clock);
    throttle.recordFailure('a', '192.0.2.1');
    throttle.recordFailure('b', '192.0.2.1');
    throttle.recordFailure('c', '192.0.2.1');
    expect(throttle.check('fresh', '192.0.2.1').allowed).toBe(false);
    expect(throttle.check('fresh', '192.0.2.2').allowed).toBe(true);
    throttle.recordSuccess('a');
    expect(throttle.check('a', '192.0.2.1').allowed).toBe(false);
    expect(throttle.check('a', '192.0.2.5').allowed).toBe(true);
  });

  it('stays bounded when sprayed with distinct usernames', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(config, clock);
    for (let i = 0; i < 60_000; i++) throttle.recordFailure(`user-${i}`, `198.51.100.${i % 250}`);
    const tracked = (throttle as unknown as { failures: Map<string, number[]> }).failures;
    expect(tracked.size).toBeLessThanOrEqual(50_000);
    // The most recent offenders are still remembered.
    expect(throttle.check('x', '198.51.100.3').allowed).toBe(false);
  });
});
