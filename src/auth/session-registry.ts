import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { ClusterEvents } from '../cluster/cluster-events.js';
import { Clock } from '../common/clock.js';
import { CryptoRepository } from './crypto.repository.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionKeyCache } from './session-key-cache.js';

/** The random value an access token carries to prove which login issued it. */
export interface SessionKey {
  key: string;
  keyHash: string;
}

/**
 * Logins as the server knows them. Every access token carries a random session key whose sha256
 * sits on the refresh token issued with it, so a token signed with the right JWT secret is still
 * refused unless it names a login that exists and has not been ended: the key cannot be guessed
 * from anything a client can read (unlike a user id or a counter). Ending sessions (logout,
 * password change, demotion, refresh-token reuse) revokes in the database first, then forgets the
 * cached keys here and on every other replica.
 */
@Injectable()
export class SessionRegistry implements OnModuleInit {
  readonly cache = new SessionKeyCache();

  constructor(
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly crypto: CryptoRepository,
    private readonly clock: Clock,
    @Optional() private readonly events?: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events?.subscribe((event) => {
      if (event.type === 'sessions') this.cache.forgetUser(event.userId);
      else if (event.type === 'resync') this.cache.clear();
    });
  }

  newKey(): SessionKey {
    const key = this.crypto.randomSecret(32);
    return { key, keyHash: this.crypto.sha256(key) };
  }

  async isLive(userId: string, key: unknown): Promise<boolean> {
    if (typeof key !== 'string' || key.length === 0 || key.length > 128) return false;
    const keyHash = this.crypto.sha256(key);
    const nowMs = this.clock.now().getTime();
    const cached = this.cache.lookup(userId, keyHash, nowMs);
    if (cached.live) return true;
    if (!(await this.refreshTokens.hasLiveSession(userId, keyHash))) return false;
    this.cache.remember(userId, keyHash, nowMs, cached.generation);
    return true;
  }

  /** Ends one login (a refresh-token family) and the access tokens issued in it. */
  async endFamily(userId: string, familyId: string): Promise<void> {
    await this.refreshTokens.revokeFamily(familyId, this.clock.now());
    this.forget(userId);
  }

  /** Ends every login of the user. */
  async endAll(userId: string): Promise<void> {
    await this.refreshTokens.revokeAllForUser(userId, this.clock.now());
    this.forget(userId);
  }

  private forget(userId: string): void {
    this.cache.forgetUser(userId);
    void this.events?.publish({ type: 'sessions', userId });
  }
}
