import { createSecretKey, randomBytes } from 'node:crypto';
import { ANONYMOUS, systemActor, userActor, type UserActor } from '../../server/domain/actor.js';
import { DomainError } from '../../server/domain/errors.js';
import type { ContextExtras, ServiceContext } from '../../server/services/context.js';
import { createServices, type Services, type ServicesOptions } from '../../server/services/index.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** The lowest bcrypt cost, as the test server uses: the specs check rules, not hashing strength. */
const TEST_BCRYPT_ROUNDS = 4;

/**
 * The services on a fresh database, with no HTTP in between: for the specifications of business
 * rules in tests/services/. Composed by createServices as the server and the CLI compose them.
 */
export interface TestServices {
  readonly db: TestDatabase;
  readonly services: Services;
  /** A unit of work acting as the system (the operator's CLI), for arranging data. */
  asSystem(extras?: ContextExtras): ServiceContext;
  /**
   * A unit of work acting as `user`, as a request of theirs would: their id, email, roles and
   * client access list, as the services returned them. After a change to the user, pass the user
   * the change returned: the actor is what it was built from, as a request's actor is.
   */
  asUser(user: UserSummary, extras?: ContextExtras): ServiceContext;
  /** A unit of work for nobody signed in (sign-in itself). */
  asAnonymous(extras?: ContextExtras): ServiceContext;
  /** Another composition on the same database (other sign-in limits, another bcrypt cost). */
  compose(options?: TestServicesOptions): Services;
  /** Counts the SQL statements run while `work` runs. */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export type TestServicesOptions = Partial<Pick<ServicesOptions, 'loginLimits' | 'bcryptRounds'>>;

/** The actor of a request by `user`, built from the user as the services return them. */
export function actorOf(user: UserSummary): UserActor {
  return userActor(user.id, user.email, user.roles, user.clients.map((client) => client.id));
}

export async function openTestServices(options: TestServicesOptions = {}): Promise<TestServices> {
  const db = await createTestDatabase();
  const compose = (more: TestServicesOptions = {}): Services =>
    createServices(db.database, {
      bcryptRounds: more.bcryptRounds ?? options.bcryptRounds ?? TEST_BCRYPT_ROUNDS,
      publicUrl: 'http://console.test',
      tokens: { key: createSecretKey(randomBytes(32)), expiresInSeconds: 3600 },
      loginLimits: more.loginLimits ?? options.loginLimits,
    });
  const services = compose();
  const knex = db.database.orm.em.getConnection().getKnex();
  return {
    db,
    services,
    asSystem: (extras) => services.context(systemActor('cli'), extras),
    asUser: (user, extras) => services.context(actorOf(user), extras),
    asAnonymous: (extras) => services.context(ANONYMOUS, extras),
    compose,
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
    close: () => db.drop(),
  };
}

/**
 * The DomainError a service call is refused with; fails the test when the call succeeds or fails
 * some other way. The service-level counterpart of a GraphQL answer's single error.
 */
export async function refusal(work: Promise<unknown>): Promise<DomainError> {
  let result: unknown;
  try {
    result = await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected a refusal, the call succeeded: ${JSON.stringify(result)}`);
}
