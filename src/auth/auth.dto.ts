import { z } from 'zod';
import type { AuthUser } from './auth.types.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** A new password: length is the only rule (long passphrases beat composition rules). */
export const newPasswordSchema = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

// Login accepts anything plausible: its rules must not tell a guesser which usernames can exist.
export const loginSchema = z.strictObject({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
  /** The console asks for its refresh token as an HttpOnly cookie instead of in the body. */
  refreshCookie: z.boolean().optional(),
});
export type LoginDto = z.infer<typeof loginSchema>;

const refreshTokenField = z.string().min(1).max(512);

/** Without refreshToken the HttpOnly cookie set at a console login is used. */
export const refreshSchema = z.strictObject({ refreshToken: refreshTokenField.optional() });
export type RefreshDto = z.infer<typeof refreshSchema>;

export const logoutSchema = z.strictObject({ refreshToken: refreshTokenField.optional() });
export type LogoutDto = z.infer<typeof logoutSchema>;

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: newPasswordSchema,
  /** As at login: the fresh refresh token goes into the HttpOnly cookie. */
  refreshCookie: z.boolean().optional(),
});
export type ChangePasswordDto = z.infer<typeof changePasswordSchema>;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of accessToken in seconds. */
  expiresIn: number;
  user: AuthUser;
}

// ---------------------------------------------------------------- responses (OpenAPI only)

export const authUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(['admin', 'operator', 'viewer']),
  passwordChangeRequired: z.boolean().optional().describe('true while a generated password must be changed before anything else'),
});

export const sessionResponseSchema = z.object({
  accessToken: z.string().describe('JWT for X-Auth-Token'),
  refreshToken: z.string().optional().describe('Absent when the login asked for the HttpOnly refresh cookie instead'),
  expiresIn: z.number().int().describe('Lifetime of accessToken in seconds'),
  user: authUserSchema,
});

/** What the session routes answer: the refresh token is left out when it travels in the cookie. */
export type SessionResponse = Omit<SessionTokens, 'refreshToken'> & { refreshToken?: string };
