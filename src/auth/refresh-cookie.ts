import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's refresh token: HttpOnly (no script reads it), SameSite=Strict, sent to the refresh route only. */
export const REFRESH_COOKIE = 'modelport_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/internal/auth/refresh';
/**
 * A readable, non-secret marker ("1") beside the HttpOnly cookie, so the console knows whether a
 * refresh is worth trying at page load instead of provoking a refused request.
 */
export const SESSION_MARKER_COOKIE = 'modelport_session';

function attributes(request: FastifyRequest) {
  // Secure whenever the connection is TLS; on plain-HTTP localhost a Secure cookie would be dropped.
  return { path: REFRESH_COOKIE_PATH, httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' };
}

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[REFRESH_COOKIE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, refreshToken: string, maxAgeSeconds: number): void {
  reply.setCookie(REFRESH_COOKIE, refreshToken, { ...attributes(request), maxAge: maxAgeSeconds });
  reply.setCookie(SESSION_MARKER_COOKIE, '1', { ...attributes(request), path: '/', httpOnly: false, maxAge: maxAgeSeconds });
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, attributes(request));
  reply.clearCookie(SESSION_MARKER_COOKIE, { ...attributes(request), path: '/', httpOnly: false });
}
