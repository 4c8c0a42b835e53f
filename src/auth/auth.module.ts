import { Global, Injectable, Module } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { ExternalAuthenticator, InternalAuthenticator } from './authenticators.js';

// Placeholder authenticators: until the real ones are wired, every protected route is refused.
@Injectable()
class RefuseInternal extends InternalAuthenticator {
  async authenticate(): Promise<never> {
    throw ApiError.unauthorized('UNAUTHORIZED', 'Authentication is not configured');
  }
}
@Injectable()
class RefuseExternal extends ExternalAuthenticator {
  async authenticate(): Promise<never> {
    throw ApiError.unauthorized('ACCESS_TOKEN_MISSING', 'Authentication is not configured');
  }
}

@Global()
@Module({
  providers: [
    { provide: InternalAuthenticator, useClass: RefuseInternal },
    { provide: ExternalAuthenticator, useClass: RefuseExternal },
  ],
  exports: [InternalAuthenticator, ExternalAuthenticator],
})
export class AuthModule {}
