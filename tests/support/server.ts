import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { expect, vi } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { systemActor } from '../../server/domain/actor.js';
import { startHttpServer, type RunningServer } from '../../server/http.js';
import { silentLogger, type Logger } from '../../server/logger.js';
import { Metrics } from '../../server/metrics.js';
import type { ServiceContext } from '../../server/services/context.js';
import { createServices, type Services } from '../../server/services/index.js';
import type { ThrottleLimits } from '../../server/services/login-throttle.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** The lowest bcrypt cost: the tests check behaviour, not hashing strength. */
export const TEST_BCRYPT_ROUNDS = 4;

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions: { code: string; fields?: Record<string, string>; [key: string]: unknown } }[] | undefined;
}

export interface TestServer {
  readonly url: string;
  readonly services: Services;
  readonly db: TestDatabase;
  /** POST a GraphQL document to /graphql, with a bearer token when given (and any other headers). */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** A service context acting as the system (what the CLI uses), for arranging data. */
  system(): ServiceContext;
  /** Counts the SQL statements run while `work` runs. */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  jwtExpiresInSeconds?: number;
  schema?: GraphQLSchema;
  logger?: Logger;
  production?: boolean;
  onEmailQueued?: () => void;
  loginLimits?: ThrottleLimits;
  bcryptRounds?: number;
  /** The token key: give two servers the same one and a token from either works on both. */
  jwtKey?: KeyObject;
  /** Another instance on this PostgreSQL database (another server's `db.url`) instead of a new database. */
  joinDatabase?: string;
  /** TRUST_PROXY: reverse proxies whose X-Forwarded-For is believed. */
  trustProxy?: string[];
  /** METRICS_TOKEN: serve /metrics to this token, with the server's own metrics. */
  metricsToken?: string;
  /** TWO_FACTOR_REQUIRED_FOR. */
  twoFactorRequiredFor?: 'admin';
  /** INVITE_TTL and RESET_TTL, in seconds. */
  inviteTtlSeconds?: number;
  resetTtlSeconds?: number;
}

/** The real HTTP server and app on a fresh database, listening on a free loopback port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = options.joinDatabase ? await joinPostgresDatabase(options.joinDatabase) : await createTestDatabase();
  let metrics: Metrics | undefined;
  const jwtKey = options.jwtKey ?? createSecretKey(randomBytes(32));
  const services = createServices(db.database, {
    tokens: { key: jwtKey, expiresInSeconds: options.jwtExpiresInSeconds ?? 3600 },
    twoFactorKey: jwtKey.export(),
    bcryptRounds: options.bcryptRounds ?? TEST_BCRYPT_ROUNDS,
    publicUrl: 'http://console.test',
    inviteTtlSeconds: options.inviteTtlSeconds,
    resetTtlSeconds: options.resetTtlSeconds,
    onEmailQueued: options.onEmailQueued,
    loginLimits: options.loginLimits,
    actorCache: {},
    signInEvents: { failed: () => metrics?.loginFailed(), lockedOut: () => metrics?.lockedOut() },
  });
  if (options.metricsToken) {
    metrics = new Metrics({
      outboxPending: () => services.notifications.countPendingEmails(db.database.orm.em.fork()),
      sessionsOpen: () => services.sessions.countOpen(db.database.orm.em.fork()),
      pool: () => db.database.poolStats(),
    });
  }
  let running: RunningServer;
  try {
    // As in production a moment after start: signed-in users are cached, kept current by NOTIFY.
    await vi.waitFor(() => expect(services.actors.active, 'the actor cache receives notifications').toBe(true), { timeout: 10_000, interval: 10 });
    running = await startHttpServer(services, db.database, {
      host: '127.0.0.1',
      port: 0,
      production: options.production ?? false,
      logger: options.logger ?? silentLogger,
      acceptGraceMs: 0,
      schema: options.schema,
      trustProxy: options.trustProxy,
      twoFactorRequiredFor: options.twoFactorRequiredFor,
      metrics: metrics && options.metricsToken ? { registry: metrics, token: options.metricsToken } : undefined,
    });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const knex = db.database.orm.em.getConnection().getKnex();
  return {
    url: running.url,
    services,
    db,
    async gql(query, variables, token, headers = {}) {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any };
      return { status: response.status, data: body.data, errors: body.errors };
    },
    system: () => services.context(systemActor('cli')),
    async countStatements(work) {
      let count = 0;
      const listener = () => void count++;
      knex.on('query', listener);
      try {
        await work();
      } finally {
        knex.off('query', listener);
      }
      return count;
    },
    async close() {
      await running.close();
      await db.drop();
    },
  };
}

/** A second handle on an existing PostgreSQL database, as another server instance has. */
async function joinPostgresDatabase(url: string): Promise<TestDatabase> {
  const database = await openDatabase({ kind: 'postgres', url }, { purpose: 'tests' });
  return { database, kind: 'postgres', url, drop: () => database.close() };
}
