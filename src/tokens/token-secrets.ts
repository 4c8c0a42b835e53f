import { Injectable } from '@nestjs/common';
import { CryptoRepository } from '../auth/crypto.repository.js';

export const TOKEN_PREFIX = 'mp_';
const SECRET_BYTES = 32;
// 32 random bytes are 43 base64url characters; anything else cannot be one of ours.
const TOKEN_SHAPE = /^mp_[A-Za-z0-9_-]{43}$/;

/**
 * Makes and hashes access-token secrets. A plain SHA-256 is enough (and lets the hash serve as a
 * lookup key) because the secret carries 256 bits of CSPRNG entropy; slow hashes are for passwords.
 */
@Injectable()
export class TokenSecrets {
  constructor(private readonly crypto: CryptoRepository) {}

  generate(): string {
    return TOKEN_PREFIX + this.crypto.randomSecret(SECRET_BYTES);
  }

  hash(secret: string): string {
    return this.crypto.sha256(secret);
  }

  newId(): string {
    return this.crypto.randomId();
  }

  /** Cheap shape check, so obvious garbage is refused without touching caches or the database. */
  looksLikeToken(candidate: string): boolean {
    return TOKEN_SHAPE.test(candidate);
  }

  /** A few leading and trailing characters: enough to recognise a token, far too few to use it. */
  preview(secret: string): string {
    const body = secret.slice(TOKEN_PREFIX.length);
    return `${TOKEN_PREFIX}${body.slice(0, 4)}…${body.slice(-4)}`;
  }
}
