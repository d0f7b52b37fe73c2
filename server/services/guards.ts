import { canAccessClient, canReadUser, isAdmin, isSignedIn } from '../domain/access.js';
import type { Actor, UserActor } from '../domain/actor.js';
import { DomainError, MESSAGES, ValidationError } from '../domain/errors.js';
import { parseId } from '../domain/validation.js';

/** The services' own access checks: the directives check first, these hold whatever the entry point. */
export function requireAdmin(actor: Actor): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!isAdmin(actor)) throw new DomainError('FORBIDDEN', 'This requires the ADMIN role');
}

export function requireUser(actor: Actor): UserActor {
  if (actor.kind === 'user') return actor;
  if (actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  throw new DomainError('FORBIDDEN', 'This is for a signed-in user; the system has no profile of its own');
}

export function requireUserAccess(actor: Actor, userId: number): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!canReadUser(actor, userId)) throw new DomainError('FORBIDDEN', 'This requires the ADMIN role, or must be your own account');
}

export function requireClientAccess(actor: Actor, clientId: number): void {
  if (!isSignedIn(actor)) throw new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  if (!canAccessClient(actor, clientId)) {
    throw new DomainError('FORBIDDEN', `Client ${clientId} is not on your client access list`);
  }
}

/** An id argument, or BAD_USER_INPUT naming the argument. */
export function requireId(raw: string | number, field = 'id'): number {
  const id = parseId(raw);
  if (id === null) throw new ValidationError({ [field]: 'must be a positive integer' });
  return id;
}
