import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config.js';
import type { CryptoRepository } from './crypto.repository.js';
import type { JwtSecretRepository } from './jwt-secret.repository.js';

/** Claims that tie a JWT to this API; verification checks every one of them. */
export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'modelport';
export const JWT_AUDIENCE = 'modelport-internal';

/** Where a secret generated on first boot is kept, inside DATA_DIR. */
export const JWT_SECRET_FILE = 'jwt-secret';
/** Shorter secrets (explicit or found in the file) are refused: HS256 wants at least 256 bits. */
export const MIN_JWT_SECRET_LENGTH = 32;

/** The HMAC key admin JWTs are signed and verified with. */
export class JwtSigningKey {
  constructor(
    readonly secret: string,
    readonly source: 'environment' | 'generated' | 'stored',
  ) {}
}

/**
 * JWT_SECRET when given; otherwise the installation's own secret from DATA_DIR/jwt-secret,
 * generated (and announced, without the secret) on first boot. Never a value shipped with the code.
 */
export async function resolveJwtSigningKey(config: AppConfig, store: JwtSecretRepository, crypto: CryptoRepository, logger = new Logger('JwtSigningKey')): Promise<JwtSigningKey> {
  if (config.auth.jwtSecret !== '') return new JwtSigningKey(config.auth.jwtSecret, 'environment');
  const path = join(config.storage.dataDir, JWT_SECRET_FILE);
  const stored = await store.readOrCreate(path, () => crypto.randomSecret(48));
  if (stored.secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`${path} holds no usable JWT secret (at least ${MIN_JWT_SECRET_LENGTH} characters); delete it to generate a new one, or set JWT_SECRET`);
  }
  if (stored.created) {
    logger.warn({ msg: 'JWT_SECRET is not set: generated a signing secret for this installation and stored it with mode 0600', path });
  }
  if (stored.tightened) logger.warn({ msg: 'The stored JWT secret was readable by others; its mode is now 0600', path });
  return new JwtSigningKey(stored.secret, stored.created ? 'generated' : 'stored');
}

/** Signs and verifies with one key and pinned algorithm, issuer and audience. */
export function sessionJwtService(secret: string, ttlSeconds: number): JwtService {
  return new JwtService({
    secret,
    signOptions: { algorithm: JWT_ALGORITHM, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: ttlSeconds },
    verifyOptions: { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
  });
}
