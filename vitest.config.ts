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
    // Prints one line when the browser tests cannot run (no Chromium).
    globalSetup: ['test/console/browser-check.global.ts'],
  },
});
