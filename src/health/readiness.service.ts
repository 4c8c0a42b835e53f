import { Injectable, Logger } from '@nestjs/common';

/**
 * Tracks start-up work (such as restoring deployed models) and shutdown. /ready turns 200 only
 * after every registered task settled and before shutdown begins.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private readonly pending = new Set<string>();
  private readonly work: Promise<unknown>[] = [];
  private shuttingDown = false;

  /** Registers start-up work; readiness waits for it whether it succeeds or fails. */
  track(name: string, work: Promise<unknown>): void {
    this.pending.add(name);
    this.work.push(work.catch(() => undefined));
    work
      .catch((error: unknown) => this.logger.error({ msg: 'Start-up task failed', task: name, error: String(error) }))
      .finally(() => this.pending.delete(name));
  }

  /** Settles once every start-up task registered so far has (call it after the app has bootstrapped). */
  async startupSettled(): Promise<void> {
    await Promise.all(this.work);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  pendingTasks(): string[] {
    return [...this.pending];
  }

  isStartupComplete(): boolean {
    return this.pending.size === 0 && !this.shuttingDown;
  }
}
