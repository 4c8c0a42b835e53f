import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity.js';

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  /** sha256 of the session key its access tokens carry. */
  sessionKeyHash: string;
  expiresAt: Date;
  createdAt: Date;
}

@Injectable()
export class RefreshTokenRepository {
  constructor(@InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>) {}

  async create(token: NewRefreshToken): Promise<RefreshTokenEntity> {
    const entity = this.tokens.create({ ...token, id: randomUUID(), usedAt: null, revokedAt: null });
    await this.tokens.insert(entity);
    return entity;
  }

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  /**
   * Marks a token used, only if it is still unused and unrevoked. Returns false when another
   * request got there first: that is a reuse, even if it arrived at the same moment.
   */
  async markUsed(id: string, at: Date): Promise<boolean> {
    const result = await this.tokens.update({ id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** Whether an unrevoked login of the user issued access tokens carrying this session key. */
  async hasLiveSession(userId: string, sessionKeyHash: string): Promise<boolean> {
    return this.tokens.existsBy({ userId, sessionKeyHash, revokedAt: IsNull() });
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    await this.tokens.update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }
}
