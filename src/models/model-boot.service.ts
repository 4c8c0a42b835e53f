import { Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { ReadinessService } from '../health/readiness.service.js';
import { CrashMonitor } from '../serving/isolation/crash-monitor.js';
import { ModelFileStorage } from '../storage/model-file-storage.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { ModelReconciler } from './model-reconciler.service.js';
import { ModelRepository } from './model.repository.js';

/** In a shared store, leftovers younger than this may still be another replica's upload: twice the longest an upload may take, and at least an hour (validation follows the upload). */
export function sharedSweepGraceMs(uploadTimeoutMs: number): number {
  return Math.max(2 * uploadTimeoutMs, 3_600_000);
}

/**
 * Start-up duties of the model store: remove what an interrupted upload or delete left behind,
 * then deploy again the models that were serving. /ready stays 503 until the restore settles.
 * Also takes a model out of service when its process-isolated instances keep crashing.
 * A replica on a shared database instead converges to the desired state, writing nothing, and
 * in the shared model directory removes only leftovers older than any upload can take (another
 * replica may be mid-upload in it).
 */
@Injectable()
export class ModelBootService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ModelStore');

  constructor(
    private readonly storage: ModelFileStorage,
    private readonly repository: ModelRepository,
    private readonly lifecycle: ModelLifecycleService,
    private readonly readiness: ReadinessService,
    private readonly reconciler: ModelReconciler,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly crashes?: CrashMonitor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.reconciler.shared) {
      this.readiness.track('converge-models', this.reconciler.convergeAll());
      // Not awaited: the sweep walks a shared volume and serving must not wait for it.
      void this.sweep(this.clock.now().getTime() - sharedSweepGraceMs(this.config.storage.uploadTimeoutMs)).catch((error: unknown) =>
        this.logger.warn({ msg: 'Could not sweep the shared model store', error: (error as Error).message }),
      );
      return;
    }
    await this.sweep();
    this.crashes?.onModelFailed((modelId, reason) => void this.failCrashed(modelId, reason));
    this.readiness.track('restore-models', this.restore());
  }

  private async sweep(untouchedSinceMs?: number): Promise<void> {
    const swept = await this.storage.sweepOrphans(await this.repository.knownVersions(), { untouchedSinceMs });
    if (swept.tempEntries.length > 0 || swept.modelDirs.length > 0) {
      this.logger.warn({ msg: 'Removed leftovers of interrupted uploads or deletes', tempEntries: swept.tempEntries, modelDirs: swept.modelDirs });
    }
  }

  private async failCrashed(modelId: string, reason: string): Promise<void> {
    try {
      if (await this.lifecycle.markCrashed(modelId, reason)) {
        await this.audit?.record({ action: 'model.crash', outcome: 'failure', target: modelId, details: { reason } });
      }
    } catch (error) {
      this.logger.error({ msg: 'Could not mark a crashing model failed', modelId, error: String(error) });
    }
  }

  private async restore(): Promise<void> {
    const outcome = await this.lifecycle.restoreDeployed(async (model, reason) => {
      await this.audit?.record({ action: 'model.restore', outcome: 'failure', target: model.id, details: { name: model.name, version: model.activeVersion, reason } });
    });
    if (outcome.restored.length + outcome.failed.length > 0) {
      this.logger.log({ msg: 'Deployed models restored', restored: outcome.restored.length, failed: outcome.failed.length });
    }
  }
}
