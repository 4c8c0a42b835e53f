import { Column, Entity, PrimaryColumn } from 'typeorm';

// Timestamps are ISO-8601 strings (UTC, with milliseconds) so they sort and compare as text in SQL.
@Entity('access_tokens')
export class AccessTokenEntity {
  @PrimaryColumn('varchar') id: string;
  @Column('varchar') name: string;
  @Column('varchar') description: string;
  @Column('varchar') secretHash: string;
  @Column('varchar') tokenPreview: string;
  @Column('simple-json') allowedModels: string[];
  @Column('simple-json') ipAllowlist: string[];
  @Column({ type: 'integer', nullable: true }) rateLimitPerMinute: number | null;
  @Column({ type: 'integer', nullable: true }) monthlyQuota: number | null;
  @Column({ type: 'varchar', nullable: true }) expiresAt: string | null;
  @Column({ type: 'varchar', nullable: true }) disabledAt: string | null;
  @Column({ type: 'varchar', nullable: true }) revokedAt: string | null;
  @Column({ type: 'varchar', nullable: true }) lastUsedAt: string | null;
  @Column({ type: 'varchar', nullable: true }) createdBy: string | null;
  @Column('varchar') createdAt: string;
  @Column('varchar') updatedAt: string;
}

@Entity('access_token_usage')
export class AccessTokenUsageEntity {
  @PrimaryColumn('varchar') tokenId: string;
  @PrimaryColumn('varchar') month: string;
  @Column('integer') count: number;
}
