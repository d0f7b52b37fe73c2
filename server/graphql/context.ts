import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../domain/access.js';
import { ANONYMOUS, type Actor } from '../domain/actor.js';
import type { AuditChannel } from '../domain/audit.js';
import { isDomainError, type DomainError } from '../domain/errors.js';
import type { ServiceContext } from '../services/context.js';
import type { Services } from '../services/index.js';

/**
 * How a resolver starts or ends the browser session that travels with the response, without
 * knowing how: the HTTP edge turns these into an httpOnly cookie (session-cookie.ts). Other
 * transports may ignore them; Bearer tokens never depend on them.
 */
export interface SessionCookie {
  /** Remember this token for the caller's browser until it expires. */
  begin(token: string, expiresAt: Date): void;
  /** Forget the browser's session. */
  end(): void;
}

/** For contexts with no browser behind them. */
export const NO_SESSION_COOKIE: SessionCookie = { begin() {}, end() {} };

/**
 * Per request: a fork of the EntityManager and the actor. A request with a bad token is not
 * refused here (login must still work); it runs as anonymous and `authProblem` says why, so that
 * a protected field can answer "your session expired" rather than "sign in".
 */
export interface RequestContext extends ServiceContext {
  readonly em: EntityManager;
  readonly actor: Actor;
  readonly authProblem: DomainError | undefined;
  /** The caller's network address. */
  readonly source: string | null;
  readonly services: Services;
  readonly session: SessionCookie;
  /** An admin without two-factor under TWO_FACTOR_REQUIRED_FOR=admin: only @beforeTwoFactor fields answer. */
  readonly twoFactorSetupRequired: boolean;
}

/** What the transport knows of a request. */
export interface RequestFacts {
  /** The bearer token or the session cookie's, if any. */
  token: string | null;
  source: string | null;
  userAgent?: string | null;
  session?: SessionCookie;
  /** Self-declared by the caller, for the audit log only. */
  channel?: AuditChannel;
  /** Runs work once the response is sent (see ServiceContext.afterAnswer). */
  afterAnswer?: (work: () => Promise<void>) => void;
  /** TWO_FACTOR_REQUIRED_FOR. */
  twoFactorRequiredFor?: 'admin' | null;
}

/** The actor a token (if any) speaks for, and a fresh unit of work bound to their client scope. */
export async function createRequestContext(
  services: Services,
  { token, source, userAgent = null, session = NO_SESSION_COOKIE, channel = 'api', afterAnswer, twoFactorRequiredFor = null }: RequestFacts,
): Promise<RequestContext> {
  let actor: Actor = ANONYMOUS;
  let authProblem: DomainError | undefined;
  if (token) {
    try {
      actor = await services.auth.authenticate(token);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      authProblem = error;
    }
  }
  const twoFactorSetupRequired = twoFactorRequiredFor === 'admin' && actor.kind === 'user' && isAdmin(actor) && !actor.twoFactorEnabled;
  return { ...services.context(actor, { channel, sourceAddress: source, userAgent, afterAnswer }), authProblem, source, services, session, twoFactorSetupRequired };
}
