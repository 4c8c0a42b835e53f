import { Global, Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { InternalAuthenticator } from './authenticators.js';
import { CryptoRepository } from './crypto.repository.js';
import { JwtInternalAuthenticator } from './jwt-internal.authenticator.js';
import { JwtSecretRepository } from './jwt-secret.repository.js';
import { JwtSigningKey, resolveJwtSigningKey, sessionJwtService } from './jwt-signing-key.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionRegistry } from './session-registry.js';

/**
 * Internal (admin API) authentication: JWT login sessions with rotating refresh tokens. Global,
 * because the app-wide AuthGuard needs InternalAuthenticator and other modules share Clock,
 * PasswordHasher, CryptoRepository and refresh-token revocation.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RefreshTokenEntity]), UsersModule],
  controllers: [AuthController],
  providers: [
    Clock,
    CryptoRepository,
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
    RefreshTokenRepository,
    SessionRegistry,
    LoginThrottle,
    JwtSecretRepository,
    {
      provide: JwtSigningKey,
      useFactory: (config: AppConfig, store: JwtSecretRepository, crypto: CryptoRepository) => resolveJwtSigningKey(config, store, crypto),
      inject: [AppConfig, JwtSecretRepository, CryptoRepository],
    },
    {
      provide: JwtService,
      useFactory: (key: JwtSigningKey, config: AppConfig) => sessionJwtService(key.secret, config.auth.accessTokenTtlSeconds),
      inject: [JwtSigningKey, AppConfig],
    },
    AccessTokenIssuer,
    AuthService,
    { provide: InternalAuthenticator, useClass: JwtInternalAuthenticator },
  ],
  exports: [InternalAuthenticator, Clock, CryptoRepository, PasswordHasher, RefreshTokenRepository, SessionRegistry],
})
export class AuthModule {}
