import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** Randomness and digests the auth services need, behind a class so tests can make them predictable. */
@Injectable()
export class CryptoRepository {
  /** An opaque, URL-safe secret with `bytes` of CSPRNG entropy. */
  randomSecret(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }

  randomId(): string {
    return randomUUID();
  }

  /** Plain sha256 is enough for high-entropy random secrets (no dictionary to attack). */
  sha256(value: string): string {
    return createHash('sha256').update(value).digest('hex');
  }
}
