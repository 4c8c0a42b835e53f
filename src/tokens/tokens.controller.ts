import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit.decorator.js';
import { Auth, Authenticated } from '../auth/auth.decorator.js';
import { WRITE_ROLES, type AuthContext } from '../auth/auth.types.js';
import { listResponseSchema, openApiSchema, ZodValidationPipe } from '../common/validation.js';
import {
  AccessTokenView,
  createTokenSchema,
  IssuedAccessTokenView,
  listTokensSchema,
  updateTokenSchema,
  type CreateTokenDto,
  type ListTokensQuery,
  type UpdateTokenDto,
} from './token.dto.js';
import { TokenService } from './token.service.js';
import { accessTokenResponseSchema, issuedAccessTokenResponseSchema } from './token.schema.js';

const tokenSchema = openApiSchema(accessTokenResponseSchema);
const issuedSchema = openApiSchema(issuedAccessTokenResponseSchema);

@ApiTags('access tokens')
@Controller('api/v1/internal/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenService) {}

  @Post()
  @AuditAction('token.create')
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Issue an access token; the secret is shown only in this response' })
  @ApiBody({ schema: openApiSchema(createTokenSchema) })
  @ApiCreatedResponse({ description: 'The token with its secret (shown once)', schema: issuedSchema })
  create(@Body(new ZodValidationPipe(createTokenSchema)) dto: CreateTokenDto, @Auth() auth: AuthContext | undefined): Promise<IssuedAccessTokenView> {
    return this.tokens.create(dto, auth?.kind === 'user' ? auth.user.id : null);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List access tokens, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'disabled', 'revoked', 'expired'] })
  @ApiQuery({ name: 'search', required: false, description: 'Substring of the token name' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ description: '{items, total}', schema: listResponseSchema(accessTokenResponseSchema) })
  list(@Query(new ZodValidationPipe(listTokensSchema)) query: ListTokensQuery): Promise<{ items: AccessTokenView[]; total: number }> {
    return this.tokens.list(query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'One access token with its status and this month’s usage' })
  @ApiOkResponse({ schema: tokenSchema })
  get(@Param('id') id: string): Promise<AccessTokenView> {
    return this.tokens.get(id);
  }

  @Patch(':id')
  @AuditAction('token.update')
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Change name, description, limits, allow-lists or expiry' })
  @ApiBody({ schema: openApiSchema(updateTokenSchema) })
  @ApiOkResponse({ schema: tokenSchema })
  update(@Param('id') id: string, @Body(new ZodValidationPipe(updateTokenSchema)) dto: UpdateTokenDto): Promise<AccessTokenView> {
    return this.tokens.update(id, dto);
  }

  @Post(':id/disable')
  @AuditAction('token.disable')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Disable a token (reversible)' })
  @ApiOkResponse({ schema: tokenSchema })
  disable(@Param('id') id: string): Promise<AccessTokenView> {
    return this.tokens.disable(id);
  }

  @Post(':id/enable')
  @AuditAction('token.enable')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Re-enable a disabled token (409 TOKEN_REVOKED for a revoked one)' })
  @ApiOkResponse({ schema: tokenSchema })
  enable(@Param('id') id: string): Promise<AccessTokenView> {
    return this.tokens.enable(id);
  }

  @Post(':id/rotate')
  @AuditAction('token.rotate')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Issue a new secret; the old one stops working at once' })
  @ApiOkResponse({ description: 'The token with its new secret (shown once)', schema: issuedSchema })
  rotate(@Param('id') id: string): Promise<IssuedAccessTokenView> {
    return this.tokens.rotate(id);
  }

  @Delete(':id')
  @AuditAction('token.revoke')
  @Authenticated({ roles: WRITE_ROLES })
  @ApiOperation({ summary: 'Revoke a token permanently (the record stays)' })
  @ApiOkResponse({ description: 'The revoked token', schema: tokenSchema })
  revoke(@Param('id') id: string): Promise<AccessTokenView> {
    return this.tokens.revoke(id);
  }
}
