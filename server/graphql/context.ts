import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import type { DomainError } from '../domain/errors.js';
import type { Services } from '../app.js';
import type { ServiceContext } from '../services/service-context.js';

/**
 * How a resolver starts or ends the browser session that travels with the response, without
 * knowing how: the HTTP edge turns these into an httpOnly cookie (http.ts). Other transports may
 * ignore them; Bearer tokens never depend on them.
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
}
