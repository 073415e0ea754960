import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@herald/persistence';
import { MIGRATIONS } from '../../libs/persistence/src/migrations';
import { asAdmin, baseDatabaseUrl } from './test-environment';

/**
 * A fresh database migrated up to, not including, the migration whose name starts with `prefix`: a test writes data
 * as it was before that migration, then `migrateRest` runs it and every later one, as an upgrade would.
 */
export class DatabaseBeforeMigration {
  private constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly rest: string[],
    public db: DataSource,
  ) {}

  static async create(prefix: string): Promise<DatabaseBeforeMigration> {
    const migration = MIGRATIONS.find((m) => m.name.startsWith(prefix));
    if (!migration) throw new Error(`no migration named ${prefix}…`);
    const at = MIGRATIONS.indexOf(migration);
    const url = new URL(baseDatabaseUrl());
    const name = `herald_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    url.pathname = `/${name}`;
    await asAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const db = new DataSource({ ...dataSourceOptions(url.toString(), 2), migrations: MIGRATIONS.slice(0, at) });
    await db.initialize();
    await db.runMigrations();
    return new DatabaseBeforeMigration(url.toString(), name, MIGRATIONS.slice(at).map((m) => m.name), db);
  }

  /** Runs the migration and every later one; returns their names, and what the test expects them to be. */
  async migrateRest(): Promise<{ ran: string[]; expected: string[] }> {
    await this.db.destroy();
    this.db = new DataSource(dataSourceOptions(this.url, 2));
    await this.db.initialize();
    return { ran: (await this.db.runMigrations()).map((m) => m.name), expected: this.rest };
  }

  async destroy(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
    await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
  }
}
