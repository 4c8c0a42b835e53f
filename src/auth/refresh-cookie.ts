import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's refresh token: HttpOnly (no script reads it), SameSite=Strict, sent to the refresh route only. */
export const REFRESH_COOKIE = 'modelport_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/internal/auth/refresh';

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
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, attributes(request));
}
