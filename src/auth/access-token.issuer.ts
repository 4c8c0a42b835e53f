import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import type { AuthUser } from './auth.types.js';

export { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './jwt-signing-key.js';

export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: string;
  /** The user's session version at issue time; a token from an older version is void. */
  sv: number;
  /** The login's random session key (only its sha256 is stored); a token without a live one is void. */
  sid: string;
}

/** Signs short-lived access JWTs for internal users. */
@Injectable()
export class AccessTokenIssuer {
  readonly ttlSeconds: number;

  constructor(
    config: AppConfig,
    private readonly jwt: JwtService,
  ) {
    this.ttlSeconds = config.auth.accessTokenTtlSeconds;
  }

  issue(user: AuthUser, sessionVersion: number, sessionKey: string): Promise<string> {
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role, sv: sessionVersion, sid: sessionKey };
    return this.jwt.signAsync(claims);
  }
}
