import { describe, expect, it } from 'vitest';
import { Logger } from '@nestjs/common';
import { FakeClock, fakeConfig } from '../auth/testing/fakes.js';
import type { AuditLogEntity } from './audit-log.entity.js';
import type { AuditRepository, NewAuditRow } from './audit.repository.js';
import { AuditService } from './audit.service.js';

class MemoryAudit {
  rows: NewAuditRow[] = [];
  failing = false;
  async insert(row: NewAuditRow): Promise<void> {
    if (this.failing) throw new Error('disk full');
    this.rows.push(row);
  }
  async list(): Promise<{ items: AuditLogEntity[]; total: number }> {
    const items = this.rows.map((row, index) => ({ ...row, id: index + 1 })).reverse();
    return { items, total: items.length };
  }
}

describe('AuditService', () => {
  const clock = new FakeClock(new Date('2026-05-05T05:05:05.000Z'));

  it('stamps the time, clips oversized fields and serialises details', async () => {
    const repository = new MemoryAudit();
    const service = new AuditService(repository as unknown as AuditRepository, clock, fakeConfig());
    await service.record({ action: 'x'.repeat(100), outcome: 'failure', actor: { id: 'u1', username: 'n'.repeat(100) }, target: 't', details: { status: 400 } });
    expect(repository.rows[0]).toMatchObject({ action: 'x'.repeat(64), actorUsername: 'n'.repeat(64), actorId: 'u1', createdAt: clock.now(), details: '{"status":400}' });
    const page = await service.list({ limit: 10, offset: 0 });
    expect(page.items[0]).toMatchObject({ id: 1, details: { status: 400 }, createdAt: '2026-05-05T05:05:05.000Z' });
  });

  it('never throws when the log cannot be written', async () => {
    const repository = new MemoryAudit();
    repository.failing = true;
    Logger.overrideLogger(false);
    try {
      const service = new AuditService(repository as unknown as AuditRepository, clock, fakeConfig());
      await expect(service.record({ action: 'user.create', outcome: 'success' })).resolves.toBeUndefined();
    } finally {
      Logger.overrideLogger(['error', 'warn', 'log']);
    }
  });
});
