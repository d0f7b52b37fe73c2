import { registerEnumType } from 'type-graphql';
import type { SortDirection, UserOrderField } from '../../domain/user-order.js';

/** The fields a user list can be ordered by, as GraphQL spells them. */
export enum UserOrderByValue {
  ID = 'ID',
  NAME = 'NAME',
  EMAIL = 'EMAIL',
  CREATED_AT = 'CREATED_AT',
  LAST_LOGIN_AT = 'LAST_LOGIN_AT',
}

export enum SortDirectionValue {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(UserOrderByValue, {
  name: 'UserOrderBy',
  description: 'What a list of users is ordered by; ties are broken by id. Names compare without regard to case; users who never signed in come last.',
});
registerEnumType(SortDirectionValue, { name: 'SortDirection' });

export function toUserOrderField(value: UserOrderByValue): UserOrderField {
  switch (value) {
    case UserOrderByValue.ID:
      return 'id';
    case UserOrderByValue.NAME:
      return 'name';
    case UserOrderByValue.EMAIL:
      return 'email';
    case UserOrderByValue.CREATED_AT:
      return 'createdAt';
    case UserOrderByValue.LAST_LOGIN_AT:
      return 'lastLoginAt';
    default: {
      const unknown: never = value;
      throw new Error(`Unknown user order ${String(unknown)}`);
    }
  }
}

export function toSortDirection(value: SortDirectionValue): SortDirection {
  switch (value) {
    case SortDirectionValue.ASC:
      return 'asc';
    case SortDirectionValue.DESC:
      return 'desc';
    default: {
      const unknown: never = value;
      throw new Error(`Unknown sort direction ${String(unknown)}`);
    }
  }
}
