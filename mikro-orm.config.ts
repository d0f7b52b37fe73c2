import type { PGlite } from '@electric-sql/pglite';
import { PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import type { PGliteConnectionConfig } from 'mikro-orm-pglite';
import { EmbeddedDriver } from './server/db/embedded-driver.js';
import { ENTITIES } from './server/entities/index.js';
import { MIGRATIONS } from './server/migrations/index.js';

/**
 * The ORM's configuration: a real PostgreSQL when a URL is given (DATABASE_URL), otherwise the
 * embedded PGlite instance handed in (opened on TRACKER_DATA_DIR by server/db/database.ts, which
 * owns its lifecycle and its lock).
 */
export type DatabaseTarget = { kind: 'postgres'; url: string; poolMax?: number } | { kind: 'pglite'; pglite: PGlite };

export function ormOptions(target: DatabaseTarget): Options {
  const common: Options = {
    entities: ENTITIES,
    // The Migrator extension is registered on demand (server/db/database.ts): most starts have
    // nothing to migrate, and loading it costs the CLI a tenth of a second.
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'server/migrations',
      pathTs: 'server/migrations',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    // Entities are discovered from ENTITIES, never from the file system.
    discovery: { warnWhenNoEntities: true },
    // Kept by triggers, read by raw SQL, never an entity (Migration20261126130000): not for the
    // schema generator to create or drop.
    schemaGenerator: { skipTables: ['user_totals'] },
  };
  if (target.kind === 'postgres') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: target.poolMax ?? 10, acquireTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
      driverOptions: { connection: { connectionTimeoutMillis: 3000, application_name: 'tracker' } },
    };
  }
  return {
    ...common,
    // A PostgreSQL driver over PGlite that runs every statement alone (server/db/embedded-driver.ts);
    // its typings differ from PostgreSqlDriver's only in connection options.
    driver: EmbeddedDriver as unknown as typeof PostgreSqlDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => target.pglite } satisfies PGliteConnectionConfig },
  };
}
