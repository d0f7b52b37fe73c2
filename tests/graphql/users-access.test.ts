import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { USERS, CREATE, UPDATE, DELETE, codeOf, dataOf, validInput, usersApi } from '../support/users-api.js';

/**
 * Who may call the users API (README: Using the API, the table of who may call what;
 * schema.graphql: the @hasRole directives): FORBIDDEN for a USER and UNAUTHENTICATED for an
 * anonymous caller on every admin-only operation, changing nothing; a malformed token; roles read
 * from the database on every request.
 */

let server: TestServer;
let adminToken: string;
const { updateUser, listUsers, countUsers, storedUser } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('access to the users API', () => {
  const adminOnly = (ids: { user: string; other: string }) => [
    { name: 'users', query: USERS, variables: {} },
    { name: 'createUser', query: CREATE, variables: { input: validInput() } },
    { name: 'updateUser', query: UPDATE, variables: { id: ids.other, input: { name: 'Hijacked' } } },
    { name: 'updateUser (own id)', query: UPDATE, variables: { id: ids.user, input: { roles: ['ADMIN'] } } },
    { name: 'deleteUser', query: DELETE, variables: { id: ids.other } },
  ];

  it('gives FORBIDDEN to a USER on every admin-only operation, and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const other = await makeUser(server);
    const ids = { user: String(user.id), other: String(other.id) };
    const beforeCount = await countUsers();
    const beforeOther = await storedUser(other.id);
    const beforeSelf = await storedUser(user.id);
    for (const op of adminOnly(ids)) {
      const res = await server.gql(op.query, op.variables, token);
      expect(codeOf(res), op.name).toBe('FORBIDDEN');
      expect(res.data ?? null, op.name).toBeNull();
    }
    expect(await countUsers()).toBe(beforeCount);
    expect(await storedUser(other.id)).toEqual(beforeOther);
    expect(await storedUser(user.id)).toEqual(beforeSelf);
  });

  it('gives UNAUTHENTICATED to an anonymous caller on every admin-only operation, and changes nothing', async () => {
    const other = await makeUser(server);
    const ids = { user: String(other.id), other: String(other.id) };
    const beforeCount = await countUsers();
    const beforeOther = await storedUser(other.id);
    for (const op of adminOnly(ids)) {
      const res = await server.gql(op.query, op.variables);
      expect(codeOf(res), op.name).toBe('UNAUTHENTICATED');
    }
    expect(await countUsers()).toBe(beforeCount);
    expect(await storedUser(other.id)).toEqual(beforeOther);
  });

  it('gives UNAUTHENTICATED for a malformed token', async () => {
    const res = await server.gql(USERS, {}, 'not-a-token');
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it('reads roles from the database on each request: a demoted admin loses access at once', async () => {
    const admin = await makeAdmin(server);
    const token = await login(server, admin.email);
    expect(dataOf(await listUsers({ limit: 1 }, token)).users.limit).toBe(1);
    dataOf(await updateUser(admin.id, { roles: ['USER'] }));
    expect(codeOf(await listUsers({ limit: 1 }, token))).toBe('FORBIDDEN');
  });
});
