import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One issued refresh token; a login starts a family, each rotation adds a member to it. */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'varchar' })
  userId: string;

  @Column({ type: 'varchar' })
  familyId: string;

  /** sha256 of the token; the token itself is never stored. */
  @Column({ type: 'varchar' })
  tokenHash: string;

  /** sha256 of the session key carried by the access tokens issued with this refresh token. */
  @Column({ type: 'varchar', nullable: true })
  sessionKeyHash: string | null;

  @Column({ type: Date })
  expiresAt: Date;

  @Column({ type: Date, nullable: true })
  usedAt: Date | null;

  @Column({ type: Date, nullable: true })
  revokedAt: Date | null;

  @Column({ type: Date })
  createdAt: Date;
}
