import type { Actor } from './actor.js';
import type { Role } from './roles.js';

/**
 * Permission predicates: the one statement of who may do what. The GraphQL directives and the
 * services both call these; the console may call them to hide what a user cannot do.
 */
export function hasRole(actor: Actor, role: Role): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'user':
      return actor.roles.includes(role);
    case 'anonymous':
      return false;
    default:
      return assertNever(actor);
  }
}

export const isAdmin = (actor: Actor): boolean => hasRole(actor, 'admin');

export const isSignedIn = (actor: Actor): boolean => actor.kind !== 'anonymous';

/** A user may read their own profile; admins (and the system) may read anyone's. */
export function canReadUser(actor: Actor, userId: number): boolean {
  return isAdmin(actor) || (actor.kind === 'user' && actor.id === userId);
}

/** Admins bypass client filtering; everyone else is held to their client access list. */
export function canAccessClient(actor: Actor, clientId: number): boolean {
  if (isAdmin(actor)) return true;
  return actor.kind === 'user' && actor.clientIds.has(clientId);
}

/** The clients whose data an actor may see: all of them, or exactly these ids. */
export type ClientScope = { readonly all: true } | { readonly all: false; readonly clientIds: readonly number[] };

export function clientScope(actor: Actor): ClientScope {
  if (isAdmin(actor)) return { all: true };
  return { all: false, clientIds: actor.kind === 'user' ? [...actor.clientIds] : [] };
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
