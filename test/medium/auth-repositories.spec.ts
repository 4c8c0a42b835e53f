import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEntity } from '../../src/audit/audit-log.entity.js';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { Role } from '../../src/auth/auth.types.js';
import { RefreshTokenEntity } from '../../src/auth/refresh-token.entity.js';
import { RefreshTokenRepository } from '../../src/auth/refresh-token.repository.js';
import { databasesUnderTest } from '../helpers/test-databases.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { UserRepository } from '../../src/users/user.repository.js';

for (const database of databasesUnderTest()) describe(`auth, users and audit repositories on ${database.name} (migrations applied)`, () => {
  let close: () => Promise<void>;
  let dataSource: DataSource;
  let users: UserRepository;
  let tokens: RefreshTokenRepository;
  let audit: AuditRepository;
  const t0 = new Date('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource, close } = await database.open([UserEntity, RefreshTokenEntity, AuditLogEntity]));
    users = new UserRepository(dataSource.getRepository(UserEntity));
    tokens = new RefreshTokenRepository(dataSource.getRepository(RefreshTokenEntity));
    audit = new AuditRepository(dataSource.getRepository(AuditLogEntity));
  });

  afterAll(async () => {
    await close?.();
  });

  async function user(username: string, role: Role): Promise<UserEntity> {
    const created = await users.create({ username, passwordHash: `hash-of-${username}`, role, createdAt: t0 });
    expect(created).not.toBeNull();
    return created!;
  }

  describe('UserRepository', () => {
    it('round-trips a user, dates included, and finds usernames case-insensitively', async () => {
      const created = await user('Carol', Role.Operator);
      const loaded = await users.findById(created.id);
      expect(loaded).toMatchObject({ username: 'Carol', role: Role.Operator, passwordHash: 'hash-of-Carol' });
      expect(loaded!.createdAt.toISOString()).toBe(t0.toISOString());
      expect((await users.findByUsername('carol'))?.id).toBe(created.id);
      expect(await users.findByUsername('nobody')).toBeNull();
    });

    it('returns null for a taken username, whatever its case', async () => {
      await user('dave', Role.Viewer);
      expect(await users.create({ username: 'DAVE', passwordHash: 'x', role: Role.Viewer, createdAt: t0 })).toBeNull();
    });

    it('refuses atomically to demote or delete the last admin, and allows it while another exists', async () => {
      const first = await user('admin-one', Role.Admin);
      expect(await users.countAdmins()).toBe(1);
      expect(await users.update(first.id, { role: Role.Viewer, updatedAt: t0 })).toBe(false);
      expect(await users.deleteKeepingAnAdmin(first.id)).toBe(false);
      expect((await users.findById(first.id))?.role).toBe(Role.Admin);

      const second = await user('admin-two', Role.Admin);
      expect(await users.update(first.id, { role: Role.Operator, updatedAt: new Date(t0.getTime() + 1000) })).toBe(true);
      expect((await users.findById(first.id))?.updatedAt.toISOString()).toBe('2026-03-01T10:00:01.000Z');
      expect(await users.deleteKeepingAnAdmin(second.id)).toBe(false);
      expect(await users.update(first.id, { passwordHash: 'new-hash', endSessions: true, updatedAt: t0 })).toBe(true);
      const updated = await users.findById(first.id);
      expect([updated?.passwordHash, updated?.role, updated?.sessionVersion]).toEqual(['new-hash', Role.Operator, 1]);
      expect(await users.update(first.id, { endSessions: true, updatedAt: t0 })).toBe(true);
      expect((await users.findById(first.id))?.sessionVersion).toBe(2);
      expect(await users.deleteKeepingAnAdmin(first.id)).toBe(true);
      expect(await users.findById(first.id)).toBeNull();
    });

    it('pages users with a total', async () => {
      const page = await users.list({ limit: 2, offset: 0 });
      expect(page.items).toHaveLength(2);
      expect(page.total).toBe(await users.count());
    });
  });

  describe('RefreshTokenRepository', () => {
    it('marks a token used exactly once', async () => {
      const owner = await user('erin', Role.Viewer);
      const token = await tokens.create({ userId: owner.id, familyId: 'fam-erin', tokenHash: 'hash-erin-1', sessionKeyHash: 'sk-erin-1', expiresAt: new Date(t0.getTime() + 3600_000), createdAt: t0 });
      const loaded = await tokens.findByHash('hash-erin-1');
      expect(loaded).toMatchObject({ id: token.id, familyId: 'fam-erin', usedAt: null, revokedAt: null });
      expect(loaded!.expiresAt.toISOString()).toBe('2026-03-01T11:00:00.000Z');
      const [a, b] = await Promise.all([tokens.markUsed(token.id, t0), tokens.markUsed(token.id, t0)]);
      expect([a, b].sort()).toEqual([false, true]);
      expect((await tokens.findByHash('hash-erin-1'))?.usedAt?.toISOString()).toBe(t0.toISOString());
    });

    it('revokes a whole family and nothing else', async () => {
      const owner = await user('frank', Role.Viewer);
      const base = { userId: owner.id, sessionKeyHash: 'sk-frank', expiresAt: new Date(t0.getTime() + 3600_000), createdAt: t0 };
      await tokens.create({ ...base, familyId: 'fam-a', tokenHash: 'a1' });
      await tokens.create({ ...base, familyId: 'fam-a', tokenHash: 'a2' });
      await tokens.create({ ...base, familyId: 'fam-b', tokenHash: 'b1' });
      await tokens.revokeFamily('fam-a', t0);
      expect((await tokens.findByHash('a1'))?.revokedAt).not.toBeNull();
      expect((await tokens.findByHash('a2'))?.revokedAt).not.toBeNull();
      expect((await tokens.findByHash('b1'))?.revokedAt).toBeNull();
      const revokedA2 = await tokens.findByHash('a2');
      expect(await tokens.markUsed(revokedA2!.id, t0)).toBe(false);
      await tokens.revokeAllForUser(owner.id, t0);
      expect((await tokens.findByHash('b1'))?.revokedAt).not.toBeNull();
    });

    it('finds a live session by user and key hash, and no longer once its login is revoked', async () => {
      const owner = await user('hank', Role.Viewer);
      const other = await user('ivy', Role.Viewer);
      await tokens.create({ userId: owner.id, familyId: 'fam-h', tokenHash: 'h1', sessionKeyHash: 'sk-h1', expiresAt: t0, createdAt: t0 });
      expect(await tokens.hasLiveSession(owner.id, 'sk-h1')).toBe(true);
      expect(await tokens.hasLiveSession(other.id, 'sk-h1')).toBe(false);
      expect(await tokens.hasLiveSession(owner.id, 'sk-guessed')).toBe(false);
      await tokens.revokeFamily('fam-h', t0);
      expect(await tokens.hasLiveSession(owner.id, 'sk-h1')).toBe(false);
    });

    it('drops a deleted user’s tokens with the user (foreign key cascade)', async () => {
      const owner = await user('gina', Role.Viewer);
      await tokens.create({ userId: owner.id, familyId: 'fam-g', tokenHash: 'g1', sessionKeyHash: 'sk-g1', expiresAt: t0, createdAt: t0 });
      expect(await users.deleteKeepingAnAdmin(owner.id)).toBe(true);
      expect(await tokens.findByHash('g1')).toBeNull();
    });
  });

  describe('AuditRepository', () => {
    it('lists newest first, filters by action and actor, and pages', async () => {
      const row = (action: string, actorUsername: string | null, offsetMs: number) =>
        audit.insert({ action, actorId: null, actorUsername, target: null, ip: '127.0.0.1', outcome: 'success', details: null, requestId: 'r', createdAt: new Date(t0.getTime() + offsetMs) });
      await row('user.create', 'root', 0);
      await row('user.delete', 'root', 1);
      await row('user.create', 'ops', 2);
      const all = await audit.list({ limit: 10, offset: 0 });
      expect(all.items.map((item) => [item.action, item.actorUsername])).toEqual([
        ['user.create', 'ops'],
        ['user.delete', 'root'],
        ['user.create', 'root'],
      ]);
      expect((await audit.list({ action: 'user.create', limit: 10, offset: 0 })).total).toBe(2);
      expect((await audit.list({ actor: 'root', limit: 10, offset: 0 })).items.map((item) => item.action)).toEqual(['user.delete', 'user.create']);
      const second = await audit.list({ limit: 1, offset: 1 });
      expect([second.items[0].action, second.total]).toEqual(['user.delete', 3]);
    });

    it('deletes only rows older than the retention cutoff', async () => {
      const before = (await audit.list({ limit: 1, offset: 0 })).total;
      const old = { action: 'user.old', actorId: null, actorUsername: null, target: null, ip: null, outcome: 'success' as const, details: null, requestId: null };
      await audit.insert({ ...old, createdAt: new Date('2000-01-01T00:00:00Z') });
      await audit.insert({ ...old, createdAt: new Date('2000-01-02T00:00:00Z') });
      expect(await audit.deleteOlderThan(new Date('2000-01-02T00:00:00Z'))).toBe(1);
      expect((await audit.list({ action: 'user.old', limit: 10, offset: 0 })).total).toBe(1);
      expect((await audit.list({ limit: 1, offset: 0 })).total).toBe(before + 1);
    });
  });
});
