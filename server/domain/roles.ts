/** Roles as stored and as the CLI spells them; GraphQL spells them in upper case. */
export const ROLES = ['admin', 'user'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const DEFAULT_ROLES: readonly Role[] = ['user'];
