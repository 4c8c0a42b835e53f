import { Injectable } from '@nestjs/common';
import { IpRangeList } from '../common/client-ip.js';
import { RateLimiterStore } from '../common/rate-limiter-store.js';
import type { AccessTokenRecord } from './access-token.types.js';
import { TokenLookupCache } from './token-lookup-cache.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

/**
 * The guard's in-memory state, shared with the admin service so that every change to a token
 * (patch, disable, enable, rotate, revoke) takes effect on the very next request.
 */
@Injectable()
export class TokenGuardState {
  readonly lookups = new TokenLookupCache();
  readonly rateLimiter: TokenRateLimiter;
  // Keyed by the cached record object, so a refreshed record gets a freshly compiled list.
  private readonly allowlists = new WeakMap<AccessTokenRecord, IpRangeList>();

  constructor(store: RateLimiterStore) {
    this.rateLimiter = new TokenRateLimiter(store);
  }

  invalidate(tokenId: string, newSecretHash?: string): void {
    this.lookups.invalidate(tokenId, newSecretHash);
  }

  ipAllowlist(token: AccessTokenRecord): IpRangeList {
    let compiled = this.allowlists.get(token);
    if (!compiled) {
      compiled = IpRangeList.compile(token.ipAllowlist);
      this.allowlists.set(token, compiled);
    }
    return compiled;
  }
}
