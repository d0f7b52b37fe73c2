import type { Role } from './roles.js';

/**
 * Who is acting. Every service method receives one, so a permission decision is always explicit:
 * a signed-in user with their roles and client access list as read from the database for this
 * request, the operator's CLI (the system, which is not a user), or nobody.
 */
export type Actor = UserActor | SystemActor | AnonymousActor;

/** What a signed-in user presented: the session of a sign-in, or an API token (a script's). */
export interface Credential {
  readonly kind: 'session' | 'api-token';
  readonly id: number;
}

export interface UserActor {
  readonly kind: 'user';
  readonly id: number;
  /** For the record (audit log); never used to decide access. */
  readonly email: string;
  readonly roles: readonly Role[];
  readonly clientIds: ReadonlySet<number>;
  /** How the request was signed in; absent for an actor made outside a request (tests). */
  readonly credential?: Credential;
  /** Has the user a second factor (TWO_FACTOR_REQUIRED_FOR may ask admins for one)? */
  readonly twoFactorEnabled?: boolean;
}

export interface SystemActor {
  readonly kind: 'system';
  /** Where the system acts from, for logs and audit. */
  readonly via: 'cli' | 'server';
}

export interface AnonymousActor {
  readonly kind: 'anonymous';
}

export const ANONYMOUS: AnonymousActor = Object.freeze({ kind: 'anonymous' });
export const systemActor = (via: SystemActor['via']): SystemActor => Object.freeze({ kind: 'system', via });

export function userActor(id: number, email: string, roles: readonly Role[], clientIds: Iterable<number>, credential?: Credential, twoFactorEnabled?: boolean): UserActor {
  return Object.freeze({
    kind: 'user',
    id,
    email,
    roles: Object.freeze([...roles]),
    clientIds: new Set(clientIds),
    ...(credential ? { credential } : {}),
    ...(twoFactorEnabled === undefined ? {} : { twoFactorEnabled }),
  });
}
