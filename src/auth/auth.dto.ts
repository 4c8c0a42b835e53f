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
});
export type LoginDto = z.infer<typeof loginSchema>;

const refreshTokenField = z.string().min(1).max(512);

export const refreshSchema = z.strictObject({ refreshToken: refreshTokenField });
export type RefreshDto = z.infer<typeof refreshSchema>;

export const logoutSchema = z.strictObject({ refreshToken: refreshTokenField.optional() });
export type LogoutDto = z.infer<typeof logoutSchema>;

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: newPasswordSchema,
});
export type ChangePasswordDto = z.infer<typeof changePasswordSchema>;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of accessToken in seconds. */
  expiresIn: number;
  user: AuthUser;
}
