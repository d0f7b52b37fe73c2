import type { KeyObject } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { PasswordHasher } from './auth/passwords.js';
import { TokenService } from './auth/tokens.js';
import type { Database } from './db/database.js';
import { ANONYMOUS, type Actor } from './domain/actor.js';
import { isDomainError, type DomainError } from './domain/errors.js';
import type { RequestContext } from './graphql/context.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import { AuthService } from './services/auth.service.js';
import { ClientService } from './services/client.service.js';
import { UserService } from './services/user.service.js';

export interface Services {
  readonly users: UserService;
  readonly clients: ClientService;
  readonly auth: AuthService;
}

export interface AppOptions {
  jwtKey: KeyObject;
  jwtExpiresInSeconds: number;
  bcryptRounds: number;
}

export interface App {
  readonly database: Database;
  readonly services: Services;
  readonly schema: GraphQLSchema;
  /** A fresh unit of work and the actor a bearer token (if any) speaks for. */
  createRequestContext(request: { token: string | null; source: string | null }): Promise<RequestContext>;
}

/** The services on a database, with no transport: used by the HTTP server and by the CLI. */
export function createServices(options: AppOptions): Services {
  const passwords = new PasswordHasher(options.bcryptRounds);
  const tokens = new TokenService(options.jwtKey, options.jwtExpiresInSeconds);
  return { users: new UserService(passwords), clients: new ClientService(), auth: new AuthService(passwords, tokens) };
}

export function createApp(database: Database, options: AppOptions, schema: GraphQLSchema = buildGraphQLSchema()): App {
  const services = createServices(options);
  services.auth.warmUp();
  return {
    database,
    services,
    schema,
    async createRequestContext({ token, source }) {
      const em = database.orm.em.fork();
      let actor: Actor = ANONYMOUS;
      let authProblem: DomainError | undefined;
      if (token) {
        try {
          actor = await services.auth.authenticate(em, token);
        } catch (error) {
          if (!isDomainError(error)) throw error;
          authProblem = error;
        }
      }
      return { em, actor, authProblem, source, services };
    },
  };
}
