import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/database.js';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or a new
 * PostgreSQL database (created next to TEST_DATABASE_URL's, dropped afterwards) when
 * TEST_DATABASE_URL is set. The same suite runs on both.
 */
export interface TestDatabase {
  readonly database: Database;
  readonly kind: 'pglite' | 'postgres';
  /** For PostgreSQL: the URL of this test's own database (to start other processes on it). */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const database = await openDatabase({ kind: 'memory' }, { purpose: 'tests' });
    return { database, kind: 'pglite', url: undefined, drop: () => database.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url }, { purpose: 'tests' });
  return {
    database,
    kind: 'postgres',
    url,
    async drop() {
      await database.close();
      await drop();
    },
  };
}

/** An empty PostgreSQL database of its own on TEST_DATABASE_URL's server. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `tracker_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(TEST_DATABASE_URL, `create database "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(TEST_DATABASE_URL!, `drop database if exists "${name}" with (force)`),
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
