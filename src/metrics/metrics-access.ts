import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { isLoopbackHost } from '../config/app-config.js';

/**
 * Who may scrape /metrics. With METRICS_TOKEN set, only a matching bearer token. Without it, the
 * page is open only while the server listens on loopback; anything else would publish model ids
 * and traffic patterns to the network, so it is refused with a hint instead.
 */
export function checkMetricsAccess(policy: { token: string; host: string }, authorization: string | undefined): void {
  if (policy.token !== '') {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
    if (!presented || !sameSecret(presented, policy.token)) {
      throw new ApiError(401, 'METRICS_TOKEN_INVALID', 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"', undefined, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    return;
  }
  if (!isLoopbackHost(policy.host)) {
    throw new ApiError(403, 'METRICS_DISABLED', 'Metrics are disabled because the server listens on a non-loopback address without METRICS_TOKEN; set METRICS_TOKEN and scrape with "Authorization: Bearer <token>"');
  }
}

/** Compares digests so neither the length nor the content of the secret leaks through timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
