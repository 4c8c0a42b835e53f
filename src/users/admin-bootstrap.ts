import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Role } from '../auth/auth.types.js';
import { CryptoRepository } from '../auth/crypto.repository.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { UserRepository } from './user.repository.js';

/**
 * On first boot (no users at all) creates the admin from ADMIN_USERNAME / ADMIN_PASSWORD. With no
 * password configured it generates one and logs it once: the only place a password is ever logged,
 * because otherwise nobody could ever log in.
 */
@Injectable()
export class AdminBootstrap implements OnModuleInit {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly crypto: CryptoRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureAdmin();
  }

  async ensureAdmin(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const { adminUsername, adminPassword } = this.config.auth;
    const generated = adminPassword === '';
    const password = generated ? this.crypto.randomSecret(18) : adminPassword;
    const created = await this.users.create({
      username: adminUsername,
      passwordHash: await this.hasher.hash(password),
      role: Role.Admin,
      createdAt: this.clock.now(),
      passwordChangeRequired: generated,
    });
    if (!created) return; // another process seeded it first
    await this.audit.record({
      action: 'user.bootstrap_admin',
      outcome: 'success',
      target: created.id,
      details: { username: adminUsername, passwordGenerated: generated },
    });
    if (generated) {
      this.logger.warn({
        msg: 'Created the first admin with a GENERATED password; it is shown only now, store it and change it after logging in',
        username: adminUsername,
        generatedPassword: password,
      });
    } else {
      this.logger.log({ msg: 'Created the first admin from ADMIN_USERNAME / ADMIN_PASSWORD', username: adminUsername });
    }
  }
}
