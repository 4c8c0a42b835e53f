import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { AuditRepository } from './audit.repository.js';

const SWEEP_INTERVAL_MS = 3600_000;

/** Keeps the audit log to AUDIT_RETENTION_DAYS: a sweep at boot, then hourly. */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditRetention');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.audit.retentionDays * 86_400_000);
    try {
      const deleted = await this.repository.deleteOlderThan(cutoff);
      if (deleted > 0) this.logger.log({ msg: 'Deleted audit rows past retention', deleted, retentionDays: this.config.audit.retentionDays });
      return deleted;
    } catch (error) {
      this.logger.error({ msg: 'Audit retention sweep failed', error: String(error) });
      return 0;
    }
  }
}
