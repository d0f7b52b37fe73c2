import { expect } from 'vitest';
import { DEFAULT_PASSWORD } from './factories.js';
import type { GraphQLResponse, TestServer } from './server.js';

/**
 * The users API over HTTP (schema.graphql: users, user, me, createUser, updateUser, deleteUser,
 * updateMe), for the tests of the wire in tests/graphql/users-*.test.ts.
 */
export const USER_FIELDS = `id name email roles clients { id name } notificationPreferences { email ui } createdAt updatedAt lastLoginAt`;

export const USERS = `query($skip: Int, $limit: Int, $search: String) {
  users(skip: $skip, limit: $limit, search: $search) { total skip limit items { ${USER_FIELDS} } }
}`;
export const USERS_DEFAULTS = `query { users { total skip limit items { id } } }`;
export const USER = `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`;
export const ME = `query { me { ${USER_FIELDS} } }`;
export const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`;
export const DELETE = `mutation($id: ID!) { deleteUser(id: $id) }`;
export const UPDATE_ME = `mutation($input: UpdateMeInput!) { updateMe(input: $input) { ${USER_FIELDS} } }`;
export const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { id } } }`;

export interface UserJson {
  id: string;
  name: string;
  email: string;
  roles: string[];
  clients: { id: string; name: string }[];
  notificationPreferences: { email: boolean; ui: boolean };
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}
export interface UserPageJson {
  total: number;
  skip: number;
  limit: number;
  items: UserJson[];
}

let marker = 0;

/** A token that appears in no other test's names or emails. */
export const unique = (label = 'm') => `${label}${process.pid}x${++marker}`;

/** The single error of a failed response. */
export function errorOf(res: GraphQLResponse) {
  expect(res.errors, `expected an error, got ${JSON.stringify(res.data)}`).toHaveLength(1);
  return res.errors![0]!;
}
export const codeOf = (res: GraphQLResponse) => errorOf(res).extensions.code;
export const fieldsOf = (res: GraphQLResponse) => errorOf(res).extensions.fields ?? {};

export function dataOf<T>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

/** Input for createUser that passes every check, with a unique email. */
export const validInput = (overrides: Record<string, unknown> = {}) => {
  const m = unique('new');
  return { name: `New ${m}`, email: `${m}@example.com`, password: DEFAULT_PASSWORD, ...overrides };
};

/**
 * The users operations as the file's admin calls them (another token when given), on the file's
 * server; `current` is read at each call, so the helpers can be made before beforeAll starts it.
 */
export function usersApi(current: () => { server: TestServer; adminToken: string }) {
  const server = () => current().server;
  const admin = () => current().adminToken;
  const api = {
    createUser: (input: Record<string, unknown>, token = admin()) => server().gql<{ createUser: UserJson }>(CREATE, { input }, token),
    updateUser: (id: string | number, input: Record<string, unknown>, token = admin()) => server().gql<{ updateUser: UserJson }>(UPDATE, { id: String(id), input }, token),
    getUser: (id: string | number, token = admin()) => server().gql<{ user: UserJson }>(USER, { id: String(id) }, token),
    listUsers: (variables: Record<string, unknown> = {}, token = admin()) => server().gql<{ users: UserPageJson }>(USERS, variables, token),
    /** How many users exist, straight from the database. */
    countUsers: async (): Promise<number> => (await server().services.users.list(server().system(), { limit: 1 })).total,
    /** A user as stored, read as an admin over the API. */
    storedUser: async (id: string | number): Promise<UserJson> => dataOf(await api.getUser(id)).user,
  };
  return api;
}
