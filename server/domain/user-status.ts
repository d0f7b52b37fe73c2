/**
 * Where a user is in their account's life: `active` (signs in), `invited` (has not chosen a
 * password yet: cannot sign in), `suspended` (keeps data and history, cannot sign in, hears nothing).
 */
export const USER_STATUSES = ['active', 'invited', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const isUserStatus = (value: string): value is UserStatus => (USER_STATUSES as readonly string[]).includes(value);
