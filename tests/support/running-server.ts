import { afterAll, beforeAll } from 'vitest';
import { createPostgresDatabase, onPostgres } from './database.js';
import { spawnServer, tempDataDir, type SpawnedServer } from './process.js';

export interface RunningServer {
  /** What a CLI command (runCli) needs to reach the server's data: its data directory, its secret, and its PostgreSQL database if any. */
  readonly env: Record<string, string>;
  /** The server's base URL, once it listens (in tests, after beforeAll). */
  readonly api: string;
}

/**
 * The server started as `npm start` starts it, for the whole test file (beforeAll, afterAll): on
 * the embedded database in a data directory of its own, so that the CLI runs through its control
 * socket, or on a PostgreSQL database of its own when TEST_DATABASE_URL is set.
 */
export function useRunningServer(name: string): RunningServer {
  const env: Record<string, string> = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: `${name}-`.repeat(Math.ceil(33 / (name.length + 1))) };
  let server: SpawnedServer | undefined;
  let api: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (onPostgres) {
      const created = await createPostgresDatabase();
      env.DATABASE_URL = created.url;
      dropDatabase = created.drop;
    }
    server = spawnServer(env);
    api = await server.ready();
  });
  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });
  return {
    env,
    get api() {
      if (api === undefined) throw new Error('The server is not listening yet: use running.api inside a test or a hook');
      return api;
    },
  };
}
