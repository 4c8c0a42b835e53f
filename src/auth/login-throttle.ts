import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Keys are dropped oldest-first past this many, so a spray of usernames cannot grow memory without bound. */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Counts failed logins per username and per client IP over a sliding window. Once either key
 * has `loginMaxFailures` failures inside the window, further attempts are refused until the
 * oldest of those failures leaves the window. In memory: a restart forgets, which is acceptable
 * for a single-process server.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.maxFailures = config.auth.loginMaxFailures;
    this.windowMs = config.auth.loginFailureWindowSeconds * 1000;
  }

  check(username: string, ip: string): ThrottleDecision {
    const now = this.clock.now().getTime();
    let waitMs = 0;
    for (const key of keysFor(username, ip)) {
      const recent = this.recentFailures(key, now);
      if (recent.length >= this.maxFailures) {
        // The failure that must expire for the count to drop below the limit.
        const blocking = recent[recent.length - this.maxFailures];
        waitMs = Math.max(waitMs, blocking + this.windowMs - now);
      }
    }
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } : { allowed: true };
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock.now().getTime();
    for (const key of keysFor(username, ip)) {
      const recent = this.recentFailures(key, now);
      recent.push(now);
      // Only the newest maxFailures timestamps can ever decide a block.
      if (recent.length > this.maxFailures) recent.splice(0, recent.length - this.maxFailures);
      this.failures.delete(key);
      this.failures.set(key, recent);
    }
    while (this.failures.size > MAX_TRACKED_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** A successful login clears the username's failures; the IP's stay (one good account must not unlock guessing others). */
  recordSuccess(username: string): void {
    this.failures.delete(usernameKey(username));
  }

  private recentFailures(key: string, now: number): number[] {
    const all = this.failures.get(key) ?? [];
    return all.filter((at) => at > now - this.windowMs);
  }
}

function usernameKey(username: string): string {
  return `user:${username.toLowerCase()}`;
}

function keysFor(username: string, ip: string): string[] {
  return [usernameKey(username), `ip:${ip}`];
}
