import type { KeyObject } from 'node:crypto';
import { PasswordHasher } from '../auth/passwords.js';
import { SecretBox } from '../auth/secret-box.js';
import { TokenService } from '../auth/tokens.js';
import type { Database } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { Logger } from '../logger.js';
import { ActorDirectory } from './actor-directory.js';
import { AccountLinks } from './account-links.js';
import { ApiTokenService } from './api-token.service.js';
import { AuditLog } from './audit-log.js';
import { AuthService, type SignInEvents } from './auth.service.js';
import { ClientService } from './client.service.js';
import { serviceContext, type ContextExtras, type ServiceContext } from './context.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { NotificationService } from './notification.service.js';
import { SessionService } from './session.service.js';
import { TwoFactorService } from './two-factor.service.js';
import { TicketService } from './ticket.service.js';
import { UserSummaryReader } from './user-read-model.js';
import { UserCsvService } from './user-csv.service.js';
import { UserService } from './user.service.js';

/** Every service, built once per process on one database. */
export interface Services {
  readonly users: UserService;
  /** Bulk import and export of users as CSV. */
  readonly userCsv: UserCsvService;
  readonly clients: ClientService;
  readonly auth: AuthService;
  readonly tickets: TicketService;
  readonly notifications: NotificationService;
  readonly audit: AuditLog;
  readonly sessions: SessionService;
  readonly twoFactor: TwoFactorService;
  readonly apiTokens: ApiTokenService;
  /** The users that requests act as, kept in memory while the database's notifications arrive. */
  readonly actors: ActorDirectory;
  /** A fresh unit of work for one request or command, acting as `actor`. */
  context(actor: Actor, extras?: ContextExtras): ServiceContext;
}

export interface ServicesOptions {
  bcryptRounds: number;
  /** Where people reach the console: links in emails point there. */
  publicUrl: string;
  /** How long invitation and password-reset links work (INVITE_TTL, RESET_TTL); 72 h and 1 h by default. */
  inviteTtlSeconds?: number;
  resetTtlSeconds?: number;
  /** Where work done after an answer (a password reset's email) reports a failure. */
  logger?: Logger;
  /** The key and lifetime of sign-in tokens. Only the server signs them; the operator's CLI has none. */
  tokens?: { key: KeyObject; expiresInSeconds: number };
  /** What the key encrypting TOTP secrets is derived from (TWO_FACTOR_KEY, or the token secret). Only the server has it. */
  twoFactorKey?: Buffer;
  /** Failed sign-ins allowed per email and per network address before a lockout (tests lower them). */
  loginLimits?: ThrottleLimits;
  /** Called when a committed change queued emails (the outbox worker may start at once). */
  onEmailQueued?: () => void;
  /** Told of failed sign-ins and lockouts as they are recorded (the metrics). */
  signInEvents?: SignInEvents;
  /**
   * Keep signed-in users in memory, current through the database's notifications (the server).
   * Without it every request reads its user from the database (the CLI, which runs one command).
   */
  actorCache?: { logger?: Logger };
}

/**
 * The one composition of the services, used by the server, the CLI's own process and the control
 * socket alike: each service gets exactly what it depends on, here, in view.
 */
export function createServices(database: Database, options: ServicesOptions): Services {
  const passwords = new PasswordHasher(options.bcryptRounds);
  const tokens = options.tokens && new TokenService(options.tokens.key, options.tokens.expiresInSeconds);
  const throttle = new LoginThrottle(options.loginLimits);
  const audit = new AuditLog();
  const actors = new ActorDirectory();
  // One reader for every single-user read, so that reads arriving together share a statement.
  const userReads = new UserSummaryReader();
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const notifications = new NotificationService({ ticketUrl: (id) => `${publicUrl}/tickets/${id}`, onEmailQueued: options.onEmailQueued });
  const sessions = new SessionService(audit, actors);
  const links = new AccountLinks(publicUrl, { invite: options.inviteTtlSeconds ?? 72 * 3600, reset: options.resetTtlSeconds ?? 3600 });
  const mailing = {
    publicUrl,
    afterCommit: () => options.onEmailQueued?.(),
    /** After the answer (ctx.afterAnswer: once it is sent): its time tells nothing; a failure is logged (the person may ask again). */
    background(ctx: ServiceContext, work: () => Promise<void>) {
      const run = () => work().catch((error: unknown) => options.logger?.error('Work done after an answer failed', error));
      if (ctx.afterAnswer) ctx.afterAnswer(run);
      else setImmediate(run);
    },
  };
  const apiTokens = new ApiTokenService(database.orm.em, audit, actors);
  const auth = new AuthService(database.orm.em, passwords, tokens, throttle, audit, actors, sessions, userReads, links, mailing, apiTokens, options.signInEvents);
  const twoFactor = new TwoFactorService(options.twoFactorKey && new SecretBox(options.twoFactorKey), auth, audit, actors, userReads);
  const users = new UserService(passwords, throttle, audit, actors, userReads, auth, sessions, apiTokens, links, mailing);
  const services: Services = {
    users,
    userCsv: new UserCsvService(users, audit, actors, links, mailing),
    clients: new ClientService(audit, actors),
    auth,
    tickets: new TicketService(notifications, audit, userReads),
    notifications,
    audit,
    sessions,
    twoFactor,
    apiTokens,
    actors,
    context: (actor, extras) => serviceContext(database.orm.em.fork(), actor, extras),
  };
  // A process that signs people in readies what the first failed sign-in needs.
  if (tokens) services.auth.warmUp();
  if (options.actorCache) keepActorsCurrent(database, actors, options.actorCache.logger);
  return services;
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
        if (lostOnce) logger?.info("Receiving the database's notifications again: signed-in users are cached once more");
      },
      lost: (error) => {
        actors.suspend();
        lostOnce = true;
        logger?.warn(`Lost the database's notifications (${error instanceof Error ? error.message : String(error)}): reading every request's user from the database until they are back`);
      },
    })
    .catch((error: unknown) => logger?.warn(`Cannot listen for the database's notifications: signed-in users are read from the database on every request (${error instanceof Error ? error.message : String(error)})`));
}
