import { Global, Injectable, Module } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { InternalAuthenticator } from './authenticators.js';

// Placeholder: until JWT login is wired, every internal route is refused.
@Injectable()
class RefuseInternal extends InternalAuthenticator {
  async authenticate(): Promise<never> {
    throw ApiError.unauthorized('UNAUTHORIZED', 'Authentication is not configured');
  }
}

@Global()
@Module({
  providers: [{ provide: InternalAuthenticator, useClass: RefuseInternal }],
  exports: [InternalAuthenticator],
})
export class AuthModule {}
