import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import type { DomainError } from '../domain/errors.js';
import type { Services } from '../app.js';
import type { ServiceContext } from '../services/service-context.js';

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
}
