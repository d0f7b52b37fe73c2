import { registerEnumType } from 'type-graphql';
import type { Role } from '../../domain/roles.js';

/** Role as GraphQL spells it. The services take either case; they store lower case. */
export enum RoleValue {
  ADMIN = 'ADMIN',
  USER = 'USER',
}

registerEnumType(RoleValue, { name: 'Role', description: 'ADMIN: full access. USER: access to the data of the clients on their client access list.' });

export function toRoleValue(role: Role): RoleValue {
  switch (role) {
    case 'admin':
      return RoleValue.ADMIN;
    case 'user':
      return RoleValue.USER;
    default: {
      const unknown: never = role;
      throw new Error(`Unknown role ${String(unknown)}`);
    }
  }
}
