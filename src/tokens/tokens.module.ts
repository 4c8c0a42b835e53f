import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExternalAuthenticator } from '../auth/authenticators.js';
import { AccessTokenAuthenticator } from './access-token.authenticator.js';
import { AccessTokenEntity, AccessTokenUsageEntity } from './access-token.entity.js';
import { AccessTokenRepository, TypeOrmAccessTokenRepository } from './access-token.repository.js';
import { ClusterTokenGuardState } from './cluster-token-guard-state.js';
import { TokenGuardState } from './token-guard-state.js';
import { TokenSecrets } from './token-secrets.js';
import { TokenUsageTracker } from './token-usage.tracker.js';
import { UsageRefundHook } from './usage-refund.hook.js';
import { TokenService } from './token.service.js';
import { TokensController } from './tokens.controller.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AccessTokenEntity, AccessTokenUsageEntity])],
  controllers: [TokensController],
  providers: [
    { provide: AccessTokenRepository, useClass: TypeOrmAccessTokenRepository },
    { provide: ExternalAuthenticator, useClass: AccessTokenAuthenticator },
    TokenSecrets,
    { provide: TokenGuardState, useClass: ClusterTokenGuardState },
    TokenUsageTracker,
    UsageRefundHook,
    TokenService,
  ],
  exports: [ExternalAuthenticator, TokenUsageTracker],
})
export class TokensModule {}
