import { ConfigError, loadConfig } from '@herald/config';
import { migrateDatabase } from './migrator';

/** `npm run db:migrate`: one line out, exit code 0 or 1. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { created, applied } = await migrateDatabase(config.databaseUrl);
  const database = new URL(config.databaseUrl).pathname.slice(1);
  const parts = [created ? `created database ${database}` : `database ${database} exists`];
  parts.push(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date');
  process.stdout.write(`herald db:migrate: ${parts.join('; ')}\n`);
}

main().catch((error: unknown) => {
  const reason = error instanceof ConfigError ? error.message : `cannot migrate: ${(error as Error).message}`;
  process.stderr.write(`herald db:migrate: ${reason}\n`);
  process.exit(1);
});
