import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit.decorator.js';
import { openApiSchema, ZodValidationPipe } from '../common/validation.js';
import { Auth, Authenticated } from './auth.decorator.js';
import { changePasswordSchema, ChangePasswordDto, loginSchema, LoginDto, logoutSchema, LogoutDto, refreshSchema, RefreshDto, SessionTokens } from './auth.dto.js';
import type { AuthContext, AuthUser } from './auth.types.js';
import { AuthService } from './auth.service.js';
import { ApiError } from '../common/api-error.js';
import { resolveClientIp } from '../common/client-ip.js';
import { AppConfig } from '../config/app-config.js';

/** The internal user behind a request; @Authenticated has already ensured there is one. */
function userOf(auth: AuthContext | undefined): AuthUser {
  if (auth?.kind !== 'user') throw ApiError.unauthorized('AUTH_TOKEN_MISSING', 'X-Auth-Token header is required');
  return auth.user;
}

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

  @Post('login')
  @HttpCode(200)
  @AuditAction('auth.login', { actorFromBody: 'username' })
  @ApiBody({ schema: openApiSchema(loginSchema) })
  @ApiOkResponse({ description: '{accessToken, refreshToken, expiresIn, user}' })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_LOGIN_ATTEMPTS (with Retry-After)' })
  async login(@Body(new ZodValidationPipe(loginSchema)) body: LoginDto, @Req() request: FastifyRequest): Promise<SessionTokens> {
    const session = await this.auth.login(body, this.clientIp(request));
    // From here on the request is this user's: the access and audit logs name them.
    request.auth = { kind: 'user', user: session.user };
    return session;
  }

  @Post('refresh')
  @HttpCode(200)
  @AuditAction('auth.refresh')
  @ApiBody({ schema: openApiSchema(refreshSchema) })
  @ApiOkResponse({ description: 'A new {accessToken, refreshToken, expiresIn, user}; the presented token stops working' })
  @ApiUnauthorizedResponse({ description: 'REFRESH_TOKEN_INVALID | REFRESH_TOKEN_EXPIRED | REFRESH_TOKEN_REVOKED | REFRESH_TOKEN_REUSED' })
  async refresh(@Body(new ZodValidationPipe(refreshSchema)) body: RefreshDto, @Req() request: FastifyRequest): Promise<SessionTokens> {
    const session = await this.auth.refresh(body.refreshToken);
    request.auth = { kind: 'user', user: session.user };
    return session;
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @AuditAction('auth.logout')
  @ApiBody({ schema: openApiSchema(logoutSchema), required: false })
  @ApiNoContentResponse({ description: 'Ends the given refresh token\'s login, or without one every login of the caller (its access tokens too)' })
  async logout(@Auth() auth: AuthContext | undefined, @Body(new ZodValidationPipe(logoutSchema)) body: LogoutDto): Promise<void> {
    await this.auth.logout(userOf(auth), body.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiOkResponse({ description: '{id, username, role}' })
  me(@Auth() auth: AuthContext | undefined): AuthUser {
    return userOf(auth);
  }

  @Post('password')
  @HttpCode(200)
  @Authenticated()
  @AuditAction('auth.password_change')
  @ApiBody({ schema: openApiSchema(changePasswordSchema) })
  @ApiOkResponse({ description: 'Password changed; every earlier access and refresh token of the caller is void, and a fresh {accessToken, refreshToken, expiresIn, user} is returned' })
  changePassword(@Auth() auth: AuthContext | undefined, @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordDto, @Req() request: FastifyRequest): Promise<SessionTokens> {
    return this.auth.changePassword(userOf(auth), body, this.clientIp(request));
  }
}
