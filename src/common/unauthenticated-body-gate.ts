export interface UnauthenticatedBodyGateLimits {
  /** Requests without a live credential that may be sending or holding a body at once. */
  maxConcurrent: number;
  /** Bytes they may hold between them (each reserves its Content-Length, or the per-body cap when chunked). */
  maxBytes: number;
}

/**
 * Counts what strangers may make the server buffer: each request without a live credential
 * reserves a place and its bytes before any of its body is read, and gives them back once its
 * response is done. A request that does not fit is refused at once, so many half-sent bodies
 * cannot add up to unbounded memory, however small each one is.
 */
export class UnauthenticatedBodyGate {
  private active = 0;
  private reservedBytes = 0;

  constructor(private readonly limits: UnauthenticatedBodyGateLimits) {}

  /** A release function when the request fits, or null when it must be refused. */
  tryReserve(bytes: number): (() => void) | null {
    if (this.active >= this.limits.maxConcurrent || this.reservedBytes + bytes > this.limits.maxBytes) return null;
    this.active += 1;
    this.reservedBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.reservedBytes -= bytes;
    };
  }

  get usage(): { active: number; reservedBytes: number } {
    return { active: this.active, reservedBytes: this.reservedBytes };
  }
}
