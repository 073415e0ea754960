import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a statement Herald runs all the time under a name, so each pooled connection plans it once and reuses the
 * plan: the group-commit statements of the delivery path take Postgres longer to plan than to run for a few rows.
 * Same pool, same errors (a dependency outage is recognised as with any query); `text` must never vary for a `name`.
 */
export async function runPrepared<Row>(db: DataSource, name: string, text: string, values: unknown[]): Promise<Row[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  const result = await pool.query({ name, text, values });
  return result.rows as Row[];
}
