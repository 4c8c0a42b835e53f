import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterEvents } from '../cluster/cluster-events.js';
import { RateLimiterStore } from '../common/rate-limiter-store.js';
import { TokenGuardState } from './token-guard-state.js';

/**
 * The guard state of one replica among several: a token change made here is announced, and one
 * announced by another replica drops this replica's cached lookup of that token, so a revoked,
 * disabled or rotated token is refused everywhere as soon as the announcement arrives.
 */
@Injectable()
export class ClusterTokenGuardState extends TokenGuardState implements OnModuleInit {
  constructor(
    store: RateLimiterStore,
    private readonly events: ClusterEvents,
  ) {
    super(store);
  }

  onModuleInit(): void {
    this.events.subscribe((event) => {
      if (event.type === 'token') super.invalidate(event.tokenId, event.newSecretHash);
      // Announcements may have been missed: forget every cached lookup.
      else if (event.type === 'resync') this.lookups.clear();
    });
  }

  override invalidate(tokenId: string, newSecretHash?: string): void {
    super.invalidate(tokenId, newSecretHash);
    void this.events.publish({ type: 'token', tokenId, ...(newSecretHash ? { newSecretHash } : {}) });
  }
}
