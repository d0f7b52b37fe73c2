import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Migrator } from '@mikro-orm/migrations';
import { ormOptions } from '../../mikro-orm.config.js';
import { MIGRATIONS } from '../migrations/index.js';
import { DataDirLock } from './data-dir-lock.js';
import { DatabaseUnavailableError, isConnectionFailure } from './connection-errors.js';
import { listenEmbedded, listenPostgres, type NotificationHandlers, type Subscription } from './listen.js';

/** Where the data lives: a PostgreSQL server, the embedded database in a directory, or memory (tests). */
export type DatabaseSource =
  | { kind: 'postgres'; url: string; poolMax?: number }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'memory' };

export interface Database {
  readonly orm: MikroORM;
  readonly kind: DatabaseSource['kind'];
  /** Names of the migrations this open applied (empty when the schema was current). */
  readonly migrationsApplied: readonly string[];
  /** Is the database answering right now? For /healthz; never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Hears NOTIFY on `channel`, from any session on this database, after the notifying transaction
   * commits. Closed with the database.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<Subscription>;
  /** This process's connection pool now: connections used, free, requests waiting for one, and the most it opens. */
  poolStats(): { used: number; free: number; pending: number; max: number };
  /** The embedded database: adds facts for other local processes to the data directory's lock (data-dir-lock.ts). */
  publish(facts: Record<string, unknown>): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Said to a second process that finds the embedded data directory taken. */
  purpose: string;
  /** Apply pending migrations (under an advisory lock on PostgreSQL). Default true. */
  migrate?: boolean;
}

// Any constant will do, as long as every instance uses the same one: "tracker" in ASCII.
const MIGRATION_LOCK_KEY = 0x747261636b6572;

export async function openDatabase(source: DatabaseSource, options: OpenOptions): Promise<Database> {
  let lock: DataDirLock | undefined;
  let pglite: PGlite | undefined;
  try {
    if (source.kind !== 'postgres') {
      // Loaded only for the embedded database: a PostgreSQL process never pays for it.
      const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]);
      if (source.kind === 'embedded') lock = DataDirLock.acquire(source.dataDir, options.purpose);
      // pg_trgm: the trigram indexes that serve the users search (a substring of name or email).
      const extensions = { pg_trgm };
      pglite = source.kind === 'embedded' ? new PGlite(join(source.dataDir, 'pgdata'), { extensions }) : new PGlite({ extensions });
      await pglite.waitReady;
    }
    const orm = await MikroORM.init(
      ormOptions(source.kind === 'postgres' ? { kind: 'postgres', url: source.url, poolMax: source.poolMax } : { kind: 'pglite', pglite: pglite! }),
    );
    const database = new OpenDatabase(orm, source.kind, source.kind === 'postgres' ? source.url : undefined, pglite, lock);
    try {
      if (options.migrate !== false) database.migrationsApplied = await migrate(orm, source.kind === 'postgres');
    } catch (error) {
      await database.close();
      throw error;
    }
    return database;
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock?.release();
    if (isConnectionFailure(error)) throw new DatabaseUnavailableError(error);
    throw error;
  }
}

class OpenDatabase implements Database {
  migrationsApplied: readonly string[] = [];
  private closing: Promise<void> | undefined;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    readonly orm: MikroORM,
    readonly kind: DatabaseSource['kind'],
    private readonly url: string | undefined,
    private readonly pglite: PGlite | undefined,
    private readonly lock: DataDirLock | undefined,
  ) {}

  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const query = this.orm.em
      .getConnection()
      .execute('select 1')
      .then(() => true)
      .catch(() => false);
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async listen(channel: string, handlers: NotificationHandlers): Promise<Subscription> {
    if (this.closing) throw new Error('The database is closed');
    let subscription: Subscription;
    if (this.pglite) {
      // The embedded database has one session, which the ORM's single pooled connection wraps:
      // hold that connection, so that LISTEN cannot land inside a transaction (and be rolled back
      // with it).
      const knex = this.orm.em.getConnection().getKnex();
      const connection = await knex.client.acquireConnection();
      try {
        subscription = await listenEmbedded(this.pglite, channel, handlers);
      } finally {
        await knex.client.releaseConnection(connection);
      }
    } else {
      subscription = await listenPostgres(this.url!, channel, handlers);
    }
    if (this.closing) {
      await subscription.close();
      throw new Error('The database is closed');
    }
    const tracked: Subscription = {
      close: async () => {
        this.subscriptions.delete(tracked);
        await subscription.close();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  publish(facts: Record<string, unknown>): void {
    this.lock?.publish(facts);
  }

  poolStats(): { used: number; free: number; pending: number; max: number } {
    const pool = this.orm.em.getConnection().getKnex().client.pool as
      | { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number }
      | undefined;
    if (!pool) return { used: 0, free: 0, pending: 0, max: 0 };
    return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
        await this.orm.close(true);
      } finally {
        await this.pglite?.close().catch(() => undefined);
        this.lock?.release();
      }
    })();
    return this.closing;
  }
}

/** The ORM's migrator, registering the extension the first time it is needed. */
export async function migratorOf(orm: MikroORM): Promise<Migrator> {
  const { Migrator } = await import('@mikro-orm/migrations');
  if (!orm.config.getExtension('@mikro-orm/migrator')) Migrator.register(orm);
  return orm.getMigrator() as Migrator;
}

/** Committed migrations that this database has not run yet (all of them on an empty database). */
async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const table = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  let executed: Set<string>;
  try {
    const rows = await orm.em.getConnection().execute<{ name: string }[]>(`select "name" from "${table}"`);
    executed = new Set(rows.map((r) => r.name.replace(/\.[jt]s$/, '')));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return MIGRATIONS.map((m) => m.name); // no table yet
    throw error;
  }
  return MIGRATIONS.map((m) => m.name).filter((name) => !executed.has(name));
}

/**
 * Applies pending migrations. On PostgreSQL several instances may start at once, so the whole
 * run (including the creation of the migrations table) happens while holding a session-level
 * advisory lock on a connection of its own; the others wait, then find nothing left to do.
 * The embedded database has a single process by construction (the data-dir lock).
 */
async function migrate(orm: MikroORM, shared: boolean): Promise<string[]> {
  if ((await pendingMigrations(orm)).length === 0) return [];
  const migrator = await migratorOf(orm);
  const names = (applied: { name: string }[]) => applied.map((m) => m.name);
  if (!shared) return names(await migrator.up());
  const knex = orm.em.getConnection().getKnex();
  const connection = await knex.client.acquireConnection();
  try {
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return names(await migrator.up());
    } finally {
      await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** Where the configuration says the data lives. */
export function databaseSource(config: { databaseUrl: string | undefined; dataDir: string }): DatabaseSource {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'embedded', dataDir: config.dataDir };
}

/** A database URL fit for logs and messages: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
