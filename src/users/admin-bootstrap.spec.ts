import type { LoggerService } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditService } from '../audit/audit.service.js';
import { Role } from '../auth/auth.types.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import { FakeClock, fakeConfig, FakeCrypto, FakePasswordHasher, FakeUserRepository } from '../auth/testing/fakes.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import type { UserRepository } from './user.repository.js';

class Lines implements LoggerService {
  readonly entries: Array<{ level: string; message: unknown }> = [];
  log(message: unknown) { this.entries.push({ level: 'log', message }); }
  warn(message: unknown) { this.entries.push({ level: 'warn', message }); }
  error(message: unknown) { this.entries.push({ level: 'error', message }); }
}

describe('AdminBootstrap', () => {
  let lines: Lines;
  let users: FakeUserRepository;
  let audited: unknown[];

  beforeEach(() => {
    lines = new Lines();
    Logger.overrideLogger(lines);
    users = new FakeUserRepository();
    audited = [];
  });
  afterEach(() => {
    Logger.overrideLogger(new Lines());
  });

  function bootstrap(adminPassword: string): AdminBootstrap {
    const audit = { record: async (entry: unknown) => void audited.push(entry) } as unknown as AuditService;
    return new AdminBootstrap(fakeConfig({ adminUsername: 'chief', adminPassword }), users as unknown as UserRepository, new FakePasswordHasher() as unknown as PasswordHasher, new FakeCrypto(), new FakeClock(), audit);
  }

  it('creates the admin with the configured password and logs no password', async () => {
    await bootstrap('configured-secret').ensureAdmin();
    const [admin] = [...users.rows.values()];
    expect([admin.username, admin.role, admin.passwordHash]).toEqual(['chief', Role.Admin, 'hashed:configured-secret']);
    expect(JSON.stringify(lines.entries)).not.toContain('configured-secret');
    expect(audited).toEqual([expect.objectContaining({ action: 'user.bootstrap_admin', target: admin.id })]);
  });

  it('generates a password when none is configured and shows it in exactly one warning', async () => {
    await bootstrap('').ensureAdmin();
    const [admin] = [...users.rows.values()];
    const warnings = lines.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    const shown = (warnings[0].message as { generatedPassword: string }).generatedPassword;
    expect(admin.passwordHash).toBe(`hashed:${shown}`);
  });

  it('does nothing when any user exists', async () => {
    await users.create({ username: 'someone', passwordHash: 'x', role: Role.Viewer, createdAt: new Date() });
    await bootstrap('').ensureAdmin();
    expect(await users.count()).toBe(1);
    expect(lines.entries).toEqual([]);
  });
});
