import type { EntityManager } from '@mikro-orm/postgresql';
import { clientScope } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { CLIENT_SCOPE_FILTER } from '../entities/ticket.entity.js';
import type { ServiceContext } from './service-context.js';

/**
 * The one way to make a unit of work for an actor: binds the actor's client scope to the
 * EntityManager's data-layer filter, so client-owned rows outside it cannot be read through this
 * unit of work (nor its forks), whatever a resolver or service forgets to check.
 */
export function serviceContext(em: EntityManager, actor: Actor): ServiceContext {
  em.setFilterParams(CLIENT_SCOPE_FILTER, clientScope(actor));
  return { em, actor };
}
