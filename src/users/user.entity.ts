import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '../auth/auth.types.js';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar' })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** Carried in every access token; bumping it (password change, log out everywhere) voids them all. */
  @Column({ type: 'integer' })
  sessionVersion: number;

  /** Set for the first admin's generated password: every route but the password change refuses until it is changed. */
  @Column({ type: 'boolean', default: false })
  passwordChangeRequired: boolean;

  @Column({ type: Date })
  createdAt: Date;

  @Column({ type: Date })
  updatedAt: Date;
}
