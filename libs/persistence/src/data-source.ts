import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** How long getting a Postgres connection may take before the query fails as an outage. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

/**
 * Connections a process keeps open once it has them, however quiet it gets: the first reminder after an idle hour
 * should not wait for Postgres to start backends and plan the hot statements again (pg closes an idle connection after
 * 10 s otherwise). What a burst opens above this closes again after 10 s idle.
 */
export const WARM_CONNECTIONS = 4;

export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: poolSize, min: Math.min(WARM_CONNECTIONS, poolSize), connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS },
  };
}
