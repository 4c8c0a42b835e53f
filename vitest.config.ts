import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'web/src/**/*.spec.ts', 'engines/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'bench/**/*.spec.ts'],
    // Every e2e file boots a real app on a real SQLite file; forks keep native addons (sqlite3, ORT, sharp) isolated.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    // Probe once for the PostgreSQL and Redis the medium and scale tiers use, and for Chromium
    // for the browser tests; each prints one line when what it looks for is missing.
    globalSetup: ['test/global-setup.ts', 'test/console/browser-check.global.ts'],
  },
});
