import type { KeyObject } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { PasswordHasher } from './auth/passwords.js';
import { TokenService } from './auth/tokens.js';
import type { Database } from './db/database.js';
import { ANONYMOUS, type Actor } from './domain/actor.js';
import type { AuditChannel } from './domain/audit.js';
import { isDomainError, type DomainError } from './domain/errors.js';
import { NO_SESSION_COOKIE, type RequestContext, type SessionCookie } from './graphql/context.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import type { Logger } from './logger.js';
import { ActorDirectory } from './services/actor-directory.js';
import { AuditLog } from './services/audit-log.js';
import { AuthService } from './services/auth.service.js';
import { LoginThrottle, type ThrottleLimits } from './services/login-throttle.js';
import { ClientService } from './services/client.service.js';
import { NotificationService } from './services/notification.service.js';
import { serviceContext } from './services/scoped-context.js';
import { TicketService } from './services/ticket.service.js';
import { UserService } from './services/user.service.js';

export interface Services {
  readonly users: UserService;
  readonly clients: ClientService;
  readonly auth: AuthService;
  readonly tickets: TicketService;
  readonly notifications: NotificationService;
  readonly audit: AuditLog;
  /** The users that requests act as, kept in memory while the database's notifications arrive. */
  readonly actors: ActorDirectory;
}

export interface AppOptions {
  jwtKey: KeyObject;
  jwtExpiresInSeconds: number;
  bcryptRounds: number;
  /** Where people reach the console: links in emails point there. */
  publicUrl: string;
  /** Failed sign-ins allowed per email and per network address before a lockout (tests lower them). */
  loginLimits?: ThrottleLimits;
  /** Called when a committed change queued emails (the outbox worker may start at once). */
  onEmailQueued?: () => void;
  /** Where the app says that it lost or regained the database's notifications. */
  logger?: Logger;
}

export interface App {
  readonly database: Database;
  readonly services: Services;
  readonly schema: GraphQLSchema;
  /**
   * A fresh unit of work and the actor a token (if any) speaks for. `session` lets login and logout
   * start and end a browser session; the transport decides what that means.
   */
  createRequestContext(request: { token: string | null; source: string | null; session?: SessionCookie; channel?: AuditChannel }): Promise<RequestContext>;
}

/** The services on a database, with no transport: used by the HTTP server and by the CLI. */
export function createServices(options: AppOptions): Services {
  const passwords = new PasswordHasher(options.bcryptRounds);
  const tokens = new TokenService(options.jwtKey, options.jwtExpiresInSeconds);
  const throttle = new LoginThrottle(options.loginLimits);
  const audit = new AuditLog();
  const actors = new ActorDirectory();
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const notifications = new NotificationService({ ticketUrl: (id) => `${publicUrl}/tickets/${id}`, onEmailQueued: options.onEmailQueued });
  return {
    users: new UserService(passwords, throttle, audit, actors),
    clients: new ClientService(audit, actors),
    auth: new AuthService(passwords, tokens, throttle, audit, actors),
    tickets: new TicketService(notifications, audit),
    audit,
    notifications,
    actors,
  };
}

export function createApp(database: Database, options: AppOptions, schema: GraphQLSchema = buildGraphQLSchema()): App {
  const services = createServices(options);
  services.auth.warmUp();
  keepActorsCurrent(database, services.actors, options.logger);
  return {
    database,
    services,
    schema,
    async createRequestContext({ token, source, session = NO_SESSION_COOKIE, channel = 'api' }) {
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
      // The actor's client scope is bound to this unit of work's data-layer filter here, once.
      return { ...serviceContext(em, actor), channel, sourceAddress: source, authProblem, source, services, session };
    },
  };
}

/** The channel on which the database announces changes to users (Migration20261126120000). */
export const ACTOR_CHANGES_CHANNEL = 'tracker_actors';

/**
 * Feeds the database's notifications about users to the actor cache, which serves nothing from
 * memory until they arrive and stops whenever the channel breaks. Runs in the background: the
 * server answers meanwhile, reading every request's user from the database.
 */
function keepActorsCurrent(database: Database, actors: ActorDirectory, logger: Logger | undefined): void {
  let lostOnce = false;
  database
    .listen(ACTOR_CHANGES_CHANNEL, {
      message: (payload) => actors.notified(payload),
      ready: () => {
        actors.resume();
        if (lostOnce) logger?.info('Receiving the database\'s notifications again: signed-in users are cached once more');
      },
      lost: (error) => {
        actors.suspend();
        lostOnce = true;
        logger?.warn(`Lost the database's notifications (${error instanceof Error ? error.message : String(error)}): reading every request's user from the database until they are back`);
      },
    })
    .catch((error: unknown) => logger?.warn(`Cannot listen for the database's notifications: signed-in users are read from the database on every request (${error instanceof Error ? error.message : String(error)})`));
}
