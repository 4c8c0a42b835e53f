import { loadConfig } from '../config/app-config.js';
import { databaseOptions } from './data-source-options.js';
import { runMigrationsLocked } from './migration-lock.js';
import { createGatedDataSource } from './statement-gate.js';

/** `npm run migration:run | migration:revert | migration:show` against DATABASE_URL's database, else DATA_DIR's SQLite file. */
async function main(): Promise<void> {
  const command = process.argv[2] ?? 'show';
  const config = loadConfig();
  const dataSource = createGatedDataSource({ ...databaseOptions({ dataDir: config.storage.dataDir, ...config.database }), migrationsRun: false });
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await runMigrationsLocked(dataSource);
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Nothing to apply');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration');
    } else if (command === 'show') {
      const pending = await dataSource.showMigrations();
      console.log(pending ? 'Pending migrations exist' : 'Database is up to date');
    } else {
      throw new Error(`Unknown command "${command}" (use run, revert or show)`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
