import { canAccessClient, canReadUser, isAdmin, isSignedIn } from '../domain/access.js';
import type { Actor, UserActor } from '../domain/actor.js';
import { DomainError, MESSAGES, clientNotOnList, roleRequired } from '../domain/errors.js';

/** The services' own access checks: the directives check first, these hold whatever the entry point. */
export function requireAdmin(actor: Actor): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!isAdmin(actor)) throw roleRequired('admin');
}

export function requireUser(actor: Actor): UserActor {
  if (actor.kind === 'user') return actor;
  if (actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  throw new DomainError('FORBIDDEN', 'This is for a signed-in user; the system has no profile of its own');
}

export function requireUserAccess(actor: Actor, userId: number): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!canReadUser(actor, userId)) throw roleRequired('admin', true);
}

export function requireClientAccess(actor: Actor, clientId: number): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!canAccessClient(actor, clientId)) throw clientNotOnList(clientId);
}
