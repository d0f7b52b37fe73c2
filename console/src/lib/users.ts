import { mutate } from './graphql/client.js';
import { CreateUserMutation, DeleteUserMutation, UnlockUserMutation, UpdateUserMutation, type Role, type SortDirection, type UserOrderBy } from './graphql/operations.js';

/** Users, as the admin pages change them. Every rule is the server's; this only speaks to it. */

export interface UserForm {
  name: string;
  email: string;
  password: string;
  roles: Role[];
  clientIds: string[];
  notificationPreferences: { email: boolean; ui: boolean };
}

/** The form's fields, named as the API names them in BAD_USER_INPUT. */
export const USER_FORM_FIELDS = ['name', 'email', 'password', 'roles', 'clientIds', 'notificationPreferences'] as const;

export function createUser(form: UserForm) {
  return mutate(CreateUserMutation, {
    input: {
      name: form.name,
      email: form.email,
      password: form.password,
      roles: form.roles,
      clientIds: form.clientIds,
      notificationPreferences: form.notificationPreferences,
    },
  });
}

/** An empty password leaves the current one as it is. */
export function updateUser(id: string, form: UserForm) {
  return mutate(UpdateUserMutation, {
    id,
    input: {
      name: form.name,
      email: form.email,
      ...(form.password === '' ? {} : { password: form.password }),
      roles: form.roles,
      clientIds: form.clientIds,
      notificationPreferences: form.notificationPreferences,
    },
  });
}

export function deleteUser(id: string) {
  return mutate(DeleteUserMutation, { id });
}

/** The list's state as it travels in the URL, so that a reload or a shared link keeps it. */
export interface UserListParams {
  search: string;
  page: number;
  orderBy: UserOrderBy;
  direction: SortDirection;
}

export const USERS_PER_PAGE = 20;
const ORDERS: Record<string, UserOrderBy> = { name: 'NAME', email: 'EMAIL', created: 'CREATED_AT', 'last-sign-in': 'LAST_LOGIN_AT', id: 'ID' };

export function readUserListParams(url: URL): UserListParams {
  const page = Number(url.searchParams.get('page') ?? '1');
  const sort = url.searchParams.get('sort') ?? 'name';
  return {
    search: url.searchParams.get('q') ?? '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    orderBy: ORDERS[sort] ?? 'NAME',
    direction: url.searchParams.get('dir') === 'desc' ? 'DESC' : 'ASC',
  };
}

export function userListHref(params: UserListParams): string {
  const search = new URLSearchParams();
  if (params.search) search.set('q', params.search);
  const sort = Object.entries(ORDERS).find(([, value]) => value === params.orderBy)?.[0] ?? 'name';
  if (sort !== 'name') search.set('sort', sort);
  if (params.direction === 'DESC') search.set('dir', 'desc');
  if (params.page > 1) search.set('page', String(params.page));
  const text = search.toString();
  return `/users${text ? `?${text}` : ''}`;
}

/** Lifts a sign-in lockout (too many failed attempts); the server records who did it. */
export function unlockUser(id: string) {
  return mutate(UnlockUserMutation, { id });
}
