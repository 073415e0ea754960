import { Client } from 'pg';
import { baseDatabaseUrl, TEMPLATE_DATABASE_VARIABLE } from './test-environment';

/** After a run: drop the template database global-setup migrated. */
export default async function dropTemplateDatabase(): Promise<void> {
  const template = process.env[TEMPLATE_DATABASE_VARIABLE];
  if (!template) return;
  const postgres = new Client({ connectionString: baseDatabaseUrl() });
  await postgres.connect();
  try {
    await postgres.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await postgres.end();
  }
}
