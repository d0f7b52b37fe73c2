import { registerEnumType } from 'type-graphql';
import type { UserStatus } from '../../domain/user-status.js';

/** A user's status as GraphQL spells it; stored in lower case. */
export enum UserStatusValue {
  ACTIVE = 'ACTIVE',
  INVITED = 'INVITED',
  SUSPENDED = 'SUSPENDED',
}

registerEnumType(UserStatusValue, {
  name: 'UserStatus',
  description: 'ACTIVE: signs in. INVITED: has not chosen a password yet. SUSPENDED: keeps data and history, cannot sign in.',
});

export const toUserStatusValue = (status: UserStatus): UserStatusValue => status.toUpperCase() as UserStatusValue;
export const fromUserStatusValue = (value: UserStatusValue): UserStatus => value.toLowerCase() as UserStatus;
