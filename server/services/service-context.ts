import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';

/**
 * What every service method receives first: the unit of work (a fork of the EntityManager for
 * this request or command) and who is acting.
 */
export interface ServiceContext {
  readonly em: EntityManager;
  readonly actor: Actor;
}
