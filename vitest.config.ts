import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'web/src/**/*.spec.ts', 'engines/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'bench/**/*.spec.ts'],
    // Every e2e file boots a real app on a real SQLite file; forks keep native addons (sqlite3, ORT, sharp) isolated.
    pool: 'forks',
    maxWorkers: 2,
    // Timeouts are a safety net against hangs, never a measurement: the heavy e2e tests (real models,
    // hot swaps under load, a browser) take 15-60 s on a loaded 2-core machine, so the net sits well above that.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    setupFiles: ['test/setup.ts'],
    // Probe once for the PostgreSQL and Redis the medium and scale tiers use, and for Chromium
    // for the browser tests; each prints one line when what it looks for is missing.
    globalSetup: ['test/global-setup.ts', 'test/console/browser-check.global.ts'],
  },
});
