import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import type { AuditChannel } from '../domain/audit.js';

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
}
