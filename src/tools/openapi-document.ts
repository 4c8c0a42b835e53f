import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp } from '../app.factory.js';

/**
 * Boots the real application on a throwaway data directory, without listening, and returns the
 * OpenAPI document it serves at /docs-json. The typed client is generated from exactly this.
 */
export async function exportOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelport-openapi-'));
  const app = await createApp({
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    },
  });
  try {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    if (response.statusCode !== 200) throw new Error(`/docs-json answered ${response.statusCode}`);
    return response.json() as Record<string, unknown>;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
