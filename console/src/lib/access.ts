import type { UserData } from './graphql/operations.js';

/**
 * What the console shows a user. It only hides what they cannot do; the server decides (and
 * refuses an admin operation to a USER whatever the console shows).
 */
export const isAdmin = (user: Pick<UserData, 'roles'> | null | undefined): boolean => user?.roles.includes('ADMIN') ?? false;
