import { randomUUID } from 'node:crypto';
/**
 * What one replica tells the others so their local state follows the shared database:
 * - `token`: a token changed (patched, disabled, enabled, rotated, revoked); drop its cached lookup;
 * - `model`: a model's desired state changed; converge it;
 * - `sessions`: a user's logins were ended; drop their cached session keys;
 * - `resync`: delivery may have missed events (the bus reconnected); drop caches, converge everything.
 */
export type ClusterEvent =
  | { type: 'token'; tokenId: string; newSecretHash?: string }
  | { type: 'model'; modelId: string }
  | { type: 'sessions'; userId: string }
  | { type: 'resync' };

export type ClusterEventListener = (event: ClusterEvent) => void;

/**
 * The announcement bus between replicas. Publishing is best effort: the change is already in the
 * database, and the periodic reconcile catches an announcement that was lost.
 */
export abstract class ClusterEvents {
  abstract publish(event: ClusterEvent): Promise<void>;
  abstract subscribe(listener: ClusterEventListener): void;
}

/**
 * A bus that receives announcements from other replicas: keeps the listeners and hands each
 * received event to all of them, so that one failing listener never stops the others.
 */
export abstract class ReceivingClusterEvents extends ClusterEvents {
  protected abstract readonly logger: { error(message: unknown): void };
  private readonly listeners: ClusterEventListener[] = [];
  /**
   * Tags this replica's own announcements. Pub/sub and NOTIFY deliver them back to the sender,
   * which applied the change already: an echo arriving later would invalidate again what was
   * cached since (a token lookup made after the change would be thrown away).
   */
  private readonly origin = randomUUID();

  subscribe(listener: ClusterEventListener): void {
    this.listeners.push(listener);
  }

  /** The wire form of an announcement of this replica's. */
  protected encode(event: ClusterEvent): string {
    return JSON.stringify({ ...event, origin: this.origin });
  }

  /** Hands a received message to the listeners, unless it is malformed or this replica's own. */
  protected receive(text: string): void {
    const message = parseClusterMessage(text);
    if (message && message.origin !== this.origin) this.deliver(message.event);
  }

  protected deliver(event: ClusterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ msg: 'Cluster event listener failed', event: event.type, error: String(error) });
      }
    }
  }
}

/** One process: the replica that made a change has applied it itself, so there is nobody to tell. */
export class LocalClusterEvents extends ClusterEvents {
  async publish(): Promise<void> {}
  subscribe(): void {}
}

/** Parses an event received from another replica; anything malformed is dropped. */
export function parseClusterEvent(text: string): ClusterEvent | null {
  return parseClusterMessage(text)?.event ?? null;
}

/** An event and the replica that sent it (absent for senders that do not say). */
function parseClusterMessage(text: string): { event: ClusterEvent; origin?: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const event = toClusterEvent(value as Record<string, unknown>);
  if (!event) return null;
  const origin = (value as Record<string, unknown>).origin;
  return typeof origin === 'string' ? { event, origin } : { event };
}

function toClusterEvent(event: Record<string, unknown> | null): ClusterEvent | null {
  if (event?.type === 'token' && typeof event.tokenId === 'string') {
    return { type: 'token', tokenId: event.tokenId, ...(typeof event.newSecretHash === 'string' ? { newSecretHash: event.newSecretHash } : {}) };
  }
  if (event?.type === 'model' && typeof event.modelId === 'string') return { type: 'model', modelId: event.modelId };
  if (event?.type === 'sessions' && typeof event.userId === 'string') return { type: 'sessions', userId: event.userId };
  if (event?.type === 'resync') return { type: 'resync' };
  return null;
}
