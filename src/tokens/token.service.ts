import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { AccessTokenRepository } from './access-token.repository.js';
import { AccessTokenRecord, AccessTokenStatus, statusOf } from './access-token.types.js';
import { AccessTokenView, CreateTokenDto, IssuedAccessTokenView, ListTokensQuery, UpdateTokenDto } from './token.dto.js';
import { TokenGuardState } from './token-guard-state.js';
import { Clock } from '../common/clock.js';
import { TokenSecrets } from './token-secrets.js';
import { TokenUsageTracker } from './token-usage.tracker.js';

/** Issuing and managing access tokens through the admin API. */
@Injectable()
export class TokenService {
  constructor(
    private readonly repository: AccessTokenRepository,
    private readonly secrets: TokenSecrets,
    private readonly clock: Clock,
    private readonly usage: TokenUsageTracker,
    private readonly guardState: TokenGuardState,
  ) {}

  async create(dto: CreateTokenDto, createdBy: string | null): Promise<IssuedAccessTokenView> {
    const now = this.clock.now();
    if (dto.expiresAt && Date.parse(dto.expiresAt) <= now.getTime()) {
      throw ApiError.badRequest('VALIDATION_FAILED', 'Request validation failed', [{ field: 'expiresAt', message: 'must be in the future' }]);
    }
    const secret = this.secrets.generate();
    const secretHash = this.secrets.hash(secret);
    const record: AccessTokenRecord = {
      id: this.secrets.newId(),
      name: dto.name,
      description: dto.description,
      secretHash,
      tokenPreview: this.secrets.preview(secret),
      allowedModels: dto.allowedModels,
      ipAllowlist: dto.ipAllowlist,
      rateLimitPerMinute: dto.rateLimitPerMinute,
      monthlyQuota: dto.monthlyQuota,
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt).toISOString() : null,
      disabledAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdBy,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.repository.insert(record);
    this.guardState.invalidate(record.id, secretHash);
    return { ...(await this.view(record)), token: secret };
  }

  async list(query: ListTokensQuery): Promise<{ items: AccessTokenView[]; total: number }> {
    const { items, total } = await this.repository.list({
      status: query.status as AccessTokenStatus | undefined,
      search: query.search || undefined,
      limit: query.limit,
      offset: query.offset,
      now: this.clock.now().toISOString(),
    });
    const used = await this.usage.usedThisMonth(items.map((item) => item.id));
    return { items: items.map((item) => this.toView(item, used.get(item.id) ?? 0)), total };
  }

  async get(id: string): Promise<AccessTokenView> {
    return this.view(await this.require(id));
  }

  async update(id: string, dto: UpdateTokenDto): Promise<AccessTokenView> {
    const token = await this.requireChangeable(id);
    const changes: Partial<AccessTokenRecord> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.allowedModels !== undefined) changes.allowedModels = dto.allowedModels;
    if (dto.ipAllowlist !== undefined) changes.ipAllowlist = dto.ipAllowlist;
    if (dto.rateLimitPerMinute !== undefined) changes.rateLimitPerMinute = dto.rateLimitPerMinute;
    if (dto.monthlyQuota !== undefined) changes.monthlyQuota = dto.monthlyQuota;
    // A past expiry is allowed here: it is how an admin ends a token's life at a chosen moment.
    if (dto.expiresAt !== undefined) changes.expiresAt = dto.expiresAt === null ? null : new Date(dto.expiresAt).toISOString();
    return this.save(token, changes);
  }

  async disable(id: string): Promise<AccessTokenView> {
    const token = await this.requireChangeable(id);
    if (token.disabledAt) return this.view(token);
    return this.save(token, { disabledAt: this.clock.now().toISOString() });
  }

  async enable(id: string): Promise<AccessTokenView> {
    const token = await this.requireChangeable(id);
    if (!token.disabledAt) return this.view(token);
    return this.save(token, { disabledAt: null });
  }

  /** A new secret; the old one stops working immediately. */
  async rotate(id: string): Promise<IssuedAccessTokenView> {
    const token = await this.requireChangeable(id);
    const secret = this.secrets.generate();
    const secretHash = this.secrets.hash(secret);
    const view = await this.save(token, { secretHash, tokenPreview: this.secrets.preview(secret) }, secretHash);
    return { ...view, token: secret };
  }

  /** Revocation is permanent; the row stays for the audit trail. Revoking twice is harmless. */
  async revoke(id: string): Promise<AccessTokenView> {
    const token = await this.require(id);
    if (token.revokedAt) return this.view(token);
    return this.save(token, { revokedAt: this.clock.now().toISOString() });
  }

  private async save(token: AccessTokenRecord, changes: Partial<AccessTokenRecord>, newSecretHash?: string): Promise<AccessTokenView> {
    const updated: AccessTokenRecord = { ...token, ...changes, updatedAt: this.clock.now().toISOString() };
    await this.repository.update(token.id, { ...changes, updatedAt: updated.updatedAt });
    this.guardState.invalidate(token.id, newSecretHash);
    return this.view(updated);
  }

  private async require(id: string): Promise<AccessTokenRecord> {
    const token = await this.repository.findById(id);
    if (!token) throw ApiError.notFound('TOKEN_NOT_FOUND', 'No access token with this id');
    return token;
  }

  private async requireChangeable(id: string): Promise<AccessTokenRecord> {
    const token = await this.require(id);
    if (token.revokedAt) throw ApiError.conflict('TOKEN_REVOKED', 'This access token is revoked; revocation is permanent');
    return token;
  }

  private async view(token: AccessTokenRecord): Promise<AccessTokenView> {
    const used = await this.usage.usedThisMonth([token.id]);
    return this.toView(token, used.get(token.id) ?? 0);
  }

  private toView(token: AccessTokenRecord, usedThisMonth: number): AccessTokenView {
    const recentUse = this.usage.lastUsedAt(token.id);
    const lastUsedAt = recentUse && (!token.lastUsedAt || recentUse > token.lastUsedAt) ? recentUse : token.lastUsedAt;
    return {
      id: token.id,
      name: token.name,
      description: token.description,
      tokenPreview: token.tokenPreview,
      allowedModels: token.allowedModels,
      ipAllowlist: token.ipAllowlist,
      rateLimitPerMinute: token.rateLimitPerMinute,
      monthlyQuota: token.monthlyQuota,
      expiresAt: token.expiresAt,
      status: statusOf(token, this.clock.now()),
      usedThisMonth,
      remainingQuota: token.monthlyQuota === null ? null : Math.max(0, token.monthlyQuota - usedThisMonth),
      lastUsedAt,
      disabledAt: token.disabledAt,
      revokedAt: token.revokedAt,
      createdBy: token.createdBy,
      createdAt: token.createdAt,
      updatedAt: token.updatedAt,
    };
  }
}
