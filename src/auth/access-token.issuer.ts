import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import type { AuthUser } from './auth.types.js';

/** Claims that tie a JWT to this API; verification checks every one of them. */
export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'modelport';
export const JWT_AUDIENCE = 'modelport-internal';

export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: string;
  /** The user's session version at issue time; a token from an older version is void. */
  sv: number;
}

/** Signs short-lived access JWTs for internal users. */
@Injectable()
export class AccessTokenIssuer {
  private readonly jwt: JwtService;
  readonly ttlSeconds: number;

  constructor(config: AppConfig) {
    this.ttlSeconds = config.auth.accessTokenTtlSeconds;
    this.jwt = new JwtService({
      secret: config.auth.jwtSecret,
      signOptions: { algorithm: JWT_ALGORITHM, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: this.ttlSeconds },
    });
  }

  issue(user: AuthUser, sessionVersion: number): Promise<string> {
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role, sv: sessionVersion };
    return this.jwt.signAsync(claims);
  }
}
