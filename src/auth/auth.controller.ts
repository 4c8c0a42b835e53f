import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit.decorator.js';
import { openApiSchema, ZodValidationPipe } from '../common/validation.js';
import { Auth, Authenticated } from './auth.decorator.js';
import {
  authUserSchema,
  changePasswordSchema,
  ChangePasswordDto,
  loginSchema,
  LoginDto,
  logoutSchema,
  LogoutDto,
  refreshSchema,
  RefreshDto,
  SessionResponse,
  sessionResponseSchema,
  SessionTokens,
} from './auth.dto.js';
import type { AuthContext, AuthUser } from './auth.types.js';
import { AuthService } from './auth.service.js';
import { ApiError } from '../common/api-error.js';
import { resolveClientIp } from '../common/client-ip.js';
import { AppConfig } from '../config/app-config.js';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie.js';

/** The internal user behind a request; @Authenticated has already ensured there is one. */
function userOf(auth: AuthContext | undefined): AuthUser {
  if (auth?.kind !== 'user') throw ApiError.unauthorized('AUTH_TOKEN_MISSING', 'X-Auth-Token header is required');
  return auth.user;
}

const sessionSchema = openApiSchema(sessionResponseSchema);

@ApiTags('auth')
@Controller('api/v1/internal/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  private clientIp(request: FastifyRequest): string {
    return resolveClientIp(request, this.config.server.trustedProxies);
  }

  /** In cookie mode the refresh token goes into the HttpOnly cookie and out of the body. */
  private answer(session: SessionTokens, cookie: boolean, request: FastifyRequest, reply: FastifyReply): SessionResponse {
    if (!cookie) return session;
    setRefreshCookie(request, reply, session.refreshToken, this.config.auth.refreshTokenTtlSeconds);
    const { refreshToken: _inCookie, ...rest } = session;
    return rest;
  }

  @Post('login')
  @HttpCode(200)
  @AuditAction('auth.login', { actorFromBody: 'username' })
  @ApiBody({ schema: openApiSchema(loginSchema) })
  @ApiOkResponse({ description: 'A session; with refreshCookie: true the refresh token is set as an HttpOnly cookie instead of returned', schema: sessionSchema })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_LOGIN_ATTEMPTS (with Retry-After)' })
  async login(@Body(new ZodValidationPipe(loginSchema)) body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionResponse> {
    const session = await this.auth.login(body, this.clientIp(request));
    // From here on the request is this user's: the access and audit logs name them.
    request.auth = { kind: 'user', user: session.user };
    return this.answer(session, body.refreshCookie === true, request, reply);
  }

  @Post('refresh')
  @HttpCode(200)
  @AuditAction('auth.refresh')
  @ApiBody({ schema: openApiSchema(refreshSchema), required: false })
  @ApiOkResponse({ description: 'A new session; the presented token stops working. Without a body refreshToken the cookie is used (and rotated)', schema: sessionSchema })
  @ApiUnauthorizedResponse({ description: 'REFRESH_TOKEN_INVALID | REFRESH_TOKEN_EXPIRED | REFRESH_TOKEN_REVOKED | REFRESH_TOKEN_REUSED' })
  async refresh(@Body(new ZodValidationPipe(refreshSchema)) body: RefreshDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionResponse> {
    const fromCookie = body.refreshToken === undefined;
    const presented = body.refreshToken ?? readRefreshCookie(request);
    if (presented === undefined) throw ApiError.badRequest('VALIDATION_FAILED', 'Request validation failed', [{ field: 'refreshToken', message: 'Required (or the refresh cookie)' }]);
    try {
      const session = await this.auth.refresh(presented);
      request.auth = { kind: 'user', user: session.user };
      return this.answer(session, fromCookie, request, reply);
    } catch (error) {
      if (fromCookie) clearRefreshCookie(request, reply);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated({ beforePasswordChange: true })
  @AuditAction('auth.logout')
  @ApiBody({ schema: openApiSchema(logoutSchema), required: false })
  @ApiNoContentResponse({ description: 'Ends the given refresh token\'s login, or without one every login of the caller (its access tokens too); clears the refresh cookie' })
  async logout(@Auth() auth: AuthContext | undefined, @Body(new ZodValidationPipe(logoutSchema)) body: LogoutDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(userOf(auth), body.refreshToken);
    clearRefreshCookie(request, reply);
  }

  @Get('me')
  @Authenticated({ beforePasswordChange: true })
  @ApiOkResponse({ description: 'The caller', schema: openApiSchema(authUserSchema) })
  me(@Auth() auth: AuthContext | undefined): AuthUser {
    return userOf(auth);
  }

  @Post('password')
  @HttpCode(200)
  @Authenticated({ beforePasswordChange: true })
  @AuditAction('auth.password_change')
  @ApiBody({ schema: openApiSchema(changePasswordSchema) })
  @ApiOkResponse({ description: 'Password changed; every earlier access and refresh token of the caller is void, and a fresh session is returned (in cookie mode when the caller signed in with one)', schema: sessionSchema })
  async changePassword(@Auth() auth: AuthContext | undefined, @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionResponse> {
    const session = await this.auth.changePassword(userOf(auth), body, this.clientIp(request));
    return this.answer(session, body.refreshCookie === true, request, reply);
  }
}
