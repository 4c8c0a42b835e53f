import { z } from 'zod';
import { newPasswordSchema } from '../auth/auth.dto.js';
import { Role } from '../auth/auth.types.js';
import type { UserEntity } from './user.entity.js';

export const usernameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'Only letters, digits, ".", "_" and "-" are allowed');

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  password: newPasswordSchema,
  role: z.enum(Role),
});
export type CreateUserDto = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .strictObject({
    role: z.enum(Role).optional(),
    password: newPasswordSchema.optional(),
  })
  .refine((value) => value.role !== undefined || value.password !== undefined, { message: 'Give role and/or password' });
export type UpdateUserDto = z.infer<typeof updateUserSchema>;

/** What the API shows of a user: never the password hash. */
export interface UserDto {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
  };
}
