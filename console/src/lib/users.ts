import { fieldsFor, type Problem } from './errors.js';
import { mutate } from './graphql/client.js';
import {
  CreateUserMutation,
  DeleteUserMutation,
  InviteUserMutation,
  ReactivateUserMutation,
  ResendInvitationMutation,
  SuspendUserMutation,
  UnlockUserMutation,
  UpdateUserMutation,
  type Role,
  type SortDirection,
  type UserData,
  type UserOrderBy,
  type UserStatus,
} from './graphql/operations.js';

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

/**
 * A refused user form, as it shows: each field's problem beside it (a taken email beside Email,
 * though ALREADY_EXISTS names no field), and one sentence above the form with all of it.
 */
export function userFormProblem<K extends (typeof USER_FORM_FIELDS)[number]>(problem: Problem, shown: readonly K[]): { fields: Partial<Record<K, string>>; failure: string } {
  const { fields, rest } = fieldsFor(problem, shown);
  if (problem.code === 'ALREADY_EXISTS' && (shown as readonly string[]).includes('email')) fields['email' as K] = problem.message;
  return { fields, failure: [problem.message, ...rest].join(' ') };
}

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

/** Invite User: the same fields as Create User but the password, which the person chooses through the emailed link. */
export type InviteForm = Omit<UserForm, 'password'>;
export const INVITE_FORM_FIELDS = ['name', 'email', 'roles', 'clientIds', 'notificationPreferences'] as const;

export function inviteUser(form: InviteForm) {
  return mutate(InviteUserMutation, {
    input: {
      name: form.name,
      email: form.email,
      roles: form.roles,
      clientIds: form.clientIds,
      notificationPreferences: form.notificationPreferences,
    },
  });
}

/** A new link for an INVITED user: the ones sent before stop working (CONFLICT for anyone else). */
export function resendInvitation(id: string) {
  return mutate(ResendInvitationMutation, { userId: id });
}

/** Signs the user out everywhere at once; they keep their data. LAST_ADMIN for the last active admin. */
export function suspendUser(id: string) {
  return mutate(SuspendUserMutation, { id });
}

export function reactivateUser(id: string) {
  return mutate(ReactivateUserMutation, { id });
}

/**
 * What a reactivation led to, as the server answered it: ACTIVE, or INVITED again for someone who
 * never chose a password (their invitation is theirs to accept again).
 */
export function reactivatedMessage(user: Pick<UserData, 'name' | 'status'>): string {
  return user.status === 'INVITED'
    ? `Reactivated ${user.name}: they are invited again, and can sign in once they choose a password`
    : `Reactivated ${user.name}: they can sign in again`;
}

export function deleteUser(id: string) {
  return mutate(DeleteUserMutation, { id });
}

/** The list's state as it travels in the URL, so that a reload or a shared link keeps it. */
export interface UserListParams {
  search: string;
  /** Only the users with this status; null for everyone. */
  status: UserStatus | null;
  page: number;
  orderBy: UserOrderBy;
  direction: SortDirection;
}

export const USERS_PER_PAGE = 20;
const ORDERS: Record<string, UserOrderBy> = { name: 'NAME', email: 'EMAIL', created: 'CREATED_AT', 'last-sign-in': 'LAST_LOGIN_AT', id: 'ID' };
/** In the URL in lower case: /users?status=invited. */
const STATUSES = { active: 'ACTIVE', invited: 'INVITED', suspended: 'SUSPENDED' } as const satisfies Record<Lowercase<UserStatus>, UserStatus>;
export const USER_STATUSES: readonly UserStatus[] = Object.values(STATUSES);
const isStatusParam = (value: string): value is keyof typeof STATUSES => Object.hasOwn(STATUSES, value);

export function readUserListParams(url: URL): UserListParams {
  const page = Number(url.searchParams.get('page') ?? '1');
  const sort = url.searchParams.get('sort') ?? 'name';
  const status = url.searchParams.get('status') ?? '';
  return {
    search: url.searchParams.get('q') ?? '',
    status: isStatusParam(status) ? STATUSES[status] : null,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    orderBy: ORDERS[sort] ?? 'NAME',
    direction: url.searchParams.get('dir') === 'desc' ? 'DESC' : 'ASC',
  };
}

export function userListHref(params: UserListParams): string {
  const search = new URLSearchParams();
  if (params.search) search.set('q', params.search);
  if (params.status) search.set('status', params.status.toLowerCase());
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
