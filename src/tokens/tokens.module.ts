import { Global, Injectable, Module } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { ExternalAuthenticator } from '../auth/authenticators.js';

// Placeholder: until access tokens exist, every external route is refused.
@Injectable()
class RefuseExternal extends ExternalAuthenticator {
  async authenticate(): Promise<never> {
    throw ApiError.unauthorized('ACCESS_TOKEN_MISSING', 'Access tokens are not configured');
  }
}

@Global()
@Module({
  providers: [{ provide: ExternalAuthenticator, useClass: RefuseExternal }],
  exports: [ExternalAuthenticator],
})
export class TokensModule {}
