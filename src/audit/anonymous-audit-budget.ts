import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterStore } from '../common/rate-limiter-store.js';
import { AppConfig } from '../config/app-config.js';

export type AuditAdmission = { record: true; suppressedBefore: number } | { record: false };

/**
 * How many refused requests of unidentified callers one address may add to the audit log per
 * minute. A client hammering the API without credentials costs a bounded number of rows; the
 * ones left out are counted and reported on the address's next recorded row.
 */
@Injectable()
export class AnonymousAuditBudget {
  private readonly perMinute: RateLimiterAbstract;
  private readonly suppressed: RateLimiterAbstract;

  constructor(config: AppConfig, store: RateLimiterStore) {
    this.perMinute = store.create({ keyPrefix: 'audit-anonymous', points: config.audit.anonymousPerMinute, durationSeconds: 60 });
    this.suppressed = store.create({ keyPrefix: 'audit-anonymous-suppressed', points: Number.MAX_SAFE_INTEGER, durationSeconds: 24 * 3600 });
  }

  async admit(ip: string): Promise<AuditAdmission> {
    try {
      await this.perMinute.consume(ip);
    } catch {
      await this.suppressed.penalty(ip);
      return { record: false };
    }
    const left = await this.suppressed.get(ip);
    if (!left || left.consumedPoints <= 0) return { record: true, suppressedBefore: 0 };
    await this.suppressed.delete(ip);
    return { record: true, suppressedBefore: left.consumedPoints };
  }
}
