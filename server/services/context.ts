import type { EntityManager } from '@mikro-orm/postgresql';
import { clientScope } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import type { AuditChannel } from '../domain/audit.js';
import { CLIENT_SCOPE_FILTER } from '../entities/ticket.entity.js';

/**
 * What every service method receives first: the unit of work (a fork of the EntityManager for
 * this request or command) and who is acting.
 */
export interface ServiceContext {
  readonly em: EntityManager;
  readonly actor: Actor;
  /** Where the request came from, for the audit log: the API, the console, or the CLI. */
  readonly channel?: AuditChannel;
  /** The caller's network address, when there is one. */
  readonly sourceAddress?: string | null;
  /** The caller's User-Agent, kept with a session it opens. */
  readonly userAgent?: string | null;
  /**
   * Runs work once the caller has its answer (the transport knows when: after the response is
   * sent), so that the answer's time tells nothing of the work. Absent: the work runs at once.
   */
  readonly afterAnswer?: (work: () => Promise<void>) => void;
}

export type ContextExtras = Pick<ServiceContext, 'channel' | 'sourceAddress' | 'userAgent' | 'afterAnswer'>;

/**
 * The one way to make a unit of work for an actor: binds the actor's client scope to the
 * EntityManager's data-layer filter, so client-owned rows outside it cannot be read through this
 * unit of work (nor its forks), whatever a resolver or service forgets to check.
 */
export function serviceContext(em: EntityManager, actor: Actor, extras: ContextExtras = {}): ServiceContext {
  em.setFilterParams(CLIENT_SCOPE_FILTER, clientScope(actor));
  return { em, actor, ...extras };
}
