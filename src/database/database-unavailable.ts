/** Network failures that mean the database server could not be reached or the connection broke. */
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** The pg pool's own words for a connection that ended or could not be made in time. */
const POOL_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout/i;

/**
 * Whether a failed query failed because the database was unreachable rather than because of the
 * query: PostgreSQL's connection-exception class (08xxx), an operator or crash shutdown (57P0x),
 * too many connections (53300), any FATAL error (the session is gone: a terminated backend, a
 * database not accepting connections), a network failure, or the pool giving up on a connection.
 * TypeORM wraps the driver's error as `driverError`; both are looked at.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (!candidate || typeof candidate !== 'object') continue;
    const { code, severity, message } = candidate as { code?: unknown; severity?: unknown; message?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '53300' || NETWORK_ERRNOS.has(code))) return true;
    if (severity === 'FATAL') return true;
    if (typeof message === 'string' && POOL_MESSAGES.test(message)) return true;
  }
  return false;
}
