import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { msLeft, RateLimiterStore } from '../common/rate-limiter-store.js';
import { AppConfig } from '../config/app-config.js';

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed-login throttling keyed so that an attacker slows down only themselves:
 * - per (username, client address): `loginMaxFailures` failures per window, then that pair waits for the window;
 * - per client address, across usernames: `loginMaxFailuresPerAddress` per window (one address spraying names);
 * - per username, from anywhere: once it has `loginMaxFailures` failures in the window, an address that has itself
 *   failed on it must wait `loginUsernameBackoffSeconds` after each of its failures. An address that has not failed
 *   is never held back, so nobody can lock the owner out from elsewhere.
 * Attempts refused while throttled are not counted. Counters live in the RateLimiterStore (memory, or Redis).
 */
@Injectable()
export class LoginThrottle {
  private readonly maxFailures: number;
  private readonly maxFailuresPerAddress: number;
  private readonly pair: RateLimiterAbstract;
  private readonly pairRecent: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;
  private readonly username: RateLimiterAbstract;

  constructor(config: AppConfig, store: RateLimiterStore) {
    const { loginMaxFailures, loginMaxFailuresPerAddress, loginFailureWindowSeconds, loginUsernameBackoffSeconds } = config.auth;
    this.maxFailures = loginMaxFailures;
    this.maxFailuresPerAddress = loginMaxFailuresPerAddress;
    this.pair = store.create({ keyPrefix: 'login-pair', points: loginMaxFailures, durationSeconds: loginFailureWindowSeconds });
    this.pairRecent = store.create({ keyPrefix: 'login-pair-recent', points: 1, durationSeconds: loginUsernameBackoffSeconds });
    this.address = store.create({ keyPrefix: 'login-address', points: loginMaxFailuresPerAddress, durationSeconds: loginFailureWindowSeconds });
    this.username = store.create({ keyPrefix: 'login-username', points: loginMaxFailures, durationSeconds: loginFailureWindowSeconds });
  }

  async check(username: string, ip: string): Promise<ThrottleDecision> {
    const pairKey = pairKeyOf(username, ip);
    const [pair, recent, address, user] = await Promise.all([
      this.pair.get(pairKey),
      this.pairRecent.get(pairKey),
      this.address.get(ip),
      this.username.get(normalized(username)),
    ]);
    let waitMs = 0;
    if (msLeft(pair) > 0 && pair!.consumedPoints >= this.maxFailures) waitMs = Math.max(waitMs, msLeft(pair));
    if (msLeft(address) > 0 && address!.consumedPoints >= this.maxFailuresPerAddress) waitMs = Math.max(waitMs, msLeft(address));
    if (msLeft(user) > 0 && user!.consumedPoints >= this.maxFailures) waitMs = Math.max(waitMs, msLeft(recent));
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } : { allowed: true };
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const pairKey = pairKeyOf(username, ip);
    await Promise.all([this.pair.penalty(pairKey), this.pairRecent.penalty(pairKey), this.address.penalty(ip), this.username.penalty(normalized(username))]);
  }

  /** A success clears that address's failures on the username; the address's and the username's totals stay. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    const pairKey = pairKeyOf(username, ip);
    await Promise.all([this.pair.delete(pairKey), this.pairRecent.delete(pairKey)]);
  }
}

function normalized(username: string): string {
  return username.toLowerCase();
}

function pairKeyOf(username: string, ip: string): string {
  return JSON.stringify([normalized(username), ip]);
}
