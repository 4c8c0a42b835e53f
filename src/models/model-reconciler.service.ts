import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ClusterEvents } from '../cluster/cluster-events.js';
import { AppConfig } from '../config/app-config.js';
import { ModelDeployer } from '../serving/model-deployer.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { ModelRepository } from './model.repository.js';

/**
 * Keeps this replica's serving converged to the desired state in the shared database: each model
 * another replica announces is converged at once, and every `RECONCILE_INTERVAL_MS` all models are,
 * which catches announcements that were lost. Active only with a shared database (DATABASE_URL);
 * one process on SQLite changes its serving itself and needs none of this.
 */
@Injectable()
export class ModelReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ModelReconciler');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | null = null;
  readonly shared: boolean;

  constructor(
    private readonly lifecycle: ModelLifecycleService,
    private readonly repository: ModelRepository,
    private readonly config: AppConfig,
    @Optional() private readonly events?: ClusterEvents,
    @Optional() private readonly deployer?: ModelDeployer,
  ) {
    this.shared = config.database.url !== '';
  }

  onApplicationBootstrap(): void {
    if (!this.shared || !this.deployer) return;
    this.events?.subscribe((event) => {
      if (event.type === 'model') void this.convergeOne(event.modelId);
      else if (event.type === 'resync') void this.convergeAll();
    });
    this.timer = setInterval(() => void this.convergeAll(), this.config.cluster.reconcileIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Converges every model the database wants served and every model this replica serves. One sweep at a time. */
  convergeAll(): Promise<void> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweep(): Promise<void> {
    let wanted: string[];
    try {
      wanted = (await this.repository.findByStatus(['deployed'])).map((model) => model.id);
    } catch (error) {
      // The database is away: keep serving what is loaded; the next tick tries again.
      this.logger.warn({ msg: 'Reconcile skipped: cannot read the desired state', error: (error as Error).message });
      return;
    }
    const ids = new Set([...wanted, ...(this.deployer?.deployedModelIds() ?? [])]);
    for (const id of ids) await this.convergeOne(id);
  }

  private async convergeOne(modelId: string): Promise<void> {
    try {
      const outcome = await this.lifecycle.converge(modelId);
      if (outcome !== 'unchanged') this.logger.log({ msg: 'Converged to the desired state', modelId, outcome });
    } catch (error) {
      this.logger.error({ msg: 'Could not converge a model; what was serving keeps serving', modelId, error: (error as Error).message });
    }
  }
}
