import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ExternalAuthenticator } from '../auth/authenticators.js';
import { ACCESS_TOKEN_HEADER } from '../auth/auth.decorator.js';
import type { AuthContext, AuthRequirement } from '../auth/auth.types.js';
import { PublicModelCatalog } from '../catalog/public-model-catalog.js';
import { ApiError } from '../common/api-error.js';
import { resolveClientIp } from '../common/client-ip.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AccessTokenRepository } from './access-token.repository.js';
import { ALL_MODELS, AccessTokenRecord, startOfNextMonth } from './access-token.types.js';
import { TokenGuardState } from './token-guard-state.js';
import { Clock } from '../common/clock.js';
import { TokenSecrets } from './token-secrets.js';
import { TokenUsageTracker } from './token-usage.tracker.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';

type ExternalRequirement = Extract<AuthRequirement, { kind: 'external' }>;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The access-token check of every external route. Checks run in a fixed order so the answer
 * never reveals more than the earlier checks allow: presence, existence, revoked, disabled,
 * expired, client IP, model, rate limit, monthly quota.
 */
@Injectable()
export class AccessTokenAuthenticator extends ExternalAuthenticator {
  constructor(
    private readonly repository: AccessTokenRepository,
    private readonly secrets: TokenSecrets,
    private readonly state: TokenGuardState,
    private readonly usage: TokenUsageTracker,
    private readonly catalog: PublicModelCatalog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async authenticate(request: FastifyRequest, requirement: ExternalRequirement): Promise<AuthContext> {
    try {
      const auth = await this.check(request, requirement);
      request.auth = auth;
      return auth;
    } catch (error) {
      if (error instanceof ApiError) this.metrics.recordTokenRejection(error.code);
      throw error;
    }
  }

  async recognizes(request: FastifyRequest): Promise<boolean> {
    const presented = this.presentedToken(request);
    if (!presented || !this.secrets.looksLikeToken(presented)) return false;
    const token = await this.lookup(this.secrets.hash(presented));
    if (!token || token.revokedAt || token.disabledAt) return false;
    return !token.expiresAt || Date.parse(token.expiresAt) > this.clock.now().getTime();
  }

  private async check(request: FastifyRequest, requirement: ExternalRequirement): Promise<AuthContext> {
    const presented = this.presentedToken(request);
    if (!presented) throw ApiError.unauthorized('ACCESS_TOKEN_MISSING', 'Send an access token in the X-Access-Token header');
    const token = this.secrets.looksLikeToken(presented) ? await this.lookup(this.secrets.hash(presented)) : null;
    if (!token) throw ApiError.unauthorized('ACCESS_TOKEN_INVALID', 'The access token is not valid');

    const now = this.clock.now();
    if (token.revokedAt) throw ApiError.unauthorized('ACCESS_TOKEN_REVOKED', 'The access token has been revoked');
    if (token.disabledAt) throw ApiError.unauthorized('ACCESS_TOKEN_DISABLED', 'The access token is disabled');
    if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) {
      throw ApiError.unauthorized('ACCESS_TOKEN_EXPIRED', 'The access token has expired');
    }

    if (token.ipAllowlist.length > 0) {
      const clientIp = resolveClientIp(request, this.config.server.trustedProxies);
      if (!this.state.ipAllowlist(token).matches(clientIp)) {
        throw ApiError.forbidden('IP_NOT_ALLOWED', 'This access token may not be used from this address');
      }
    }

    if (requirement.modelParam) await this.checkModel(token, request, requirement.modelParam);

    if (token.rateLimitPerMinute !== null) {
      const decision = await this.state.rateLimiter.take(token.id, token.rateLimitPerMinute, now.getTime());
      if (!decision.allowed) {
        throw ApiError.tooManyRequests('RATE_LIMITED', `Rate limit of ${token.rateLimitPerMinute} requests per minute exceeded`, decision.retryAfterSeconds);
      }
    }

    if (requirement.countsUsage && !(await this.usage.tryConsume(token.id, token.monthlyQuota))) {
      const retryAfterSeconds = (startOfNextMonth(now).getTime() - now.getTime()) / 1000;
      throw ApiError.tooManyRequests('QUOTA_EXCEEDED', 'The monthly quota of this access token is used up', retryAfterSeconds);
    }
    if (requirement.countsUsage) request.usageCharge = { tokenId: token.id, consumedAt: now };

    this.usage.touch(token.id);
    return { kind: 'accessToken', token: { id: token.id, name: token.name, allowedModels: [...token.allowedModels] } };
  }

  private presentedToken(request: FastifyRequest): string | undefined {
    const header = firstHeader(request.headers[ACCESS_TOKEN_HEADER])?.trim();
    if (header) return header;
    const authorization = firstHeader(request.headers.authorization);
    const match = authorization ? BEARER.exec(authorization) : null;
    return match ? match[1] : undefined;
  }

  private async lookup(secretHash: string): Promise<AccessTokenRecord | null> {
    const nowMs = Date.now();
    const cached = this.state.lookups.get(secretHash, nowMs);
    if (cached.hit) return cached.record;
    let record: AccessTokenRecord | null;
    try {
      record = await this.repository.findBySecretHash(secretHash);
    } catch (error) {
      // Stale-if-error: a database outage does not stop tokens this replica already knew.
      if (cached.stale && isDatabaseUnavailable(error)) return cached.stale;
      throw error;
    }
    this.state.lookups.store(secretHash, record, Date.now(), cached.generation);
    return record;
  }

  /**
   * A name resolves to its id before comparing with the allow-list. A name nobody owns is compared
   * as given, so a restricted token learns nothing (404 vs 403) about models outside its list.
   */
  private async checkModel(token: AccessTokenRecord, request: FastifyRequest, modelParam: string): Promise<void> {
    if (token.allowedModels.includes(ALL_MODELS)) return;
    const raw = (request.params as Record<string, unknown> | undefined)?.[modelParam];
    const requested = typeof raw === 'string' ? raw : '';
    const resolvedId = requested ? await this.catalog.resolveId(requested) : null;
    if (!token.allowedModels.includes(resolvedId ?? requested)) {
      throw ApiError.forbidden('MODEL_NOT_ALLOWED', 'This access token may not use this model');
    }
  }
}
