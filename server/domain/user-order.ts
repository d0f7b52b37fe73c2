/** How a list of users may be ordered. Every order ends with the id, so pages never overlap. */
export const USER_ORDER_FIELDS = ['id', 'name', 'email', 'createdAt', 'lastLoginAt'] as const;
export type UserOrderField = (typeof USER_ORDER_FIELDS)[number];

export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const DEFAULT_USER_ORDER: { field: UserOrderField; direction: SortDirection } = { field: 'id', direction: 'asc' };

export const isUserOrderField = (value: string): value is UserOrderField => (USER_ORDER_FIELDS as readonly string[]).includes(value);
export const isSortDirection = (value: string): value is SortDirection => (SORT_DIRECTIONS as readonly string[]).includes(value);
