import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ME, DELETE, LOGIN, errorOf, codeOf, dataOf, validInput, usersApi } from '../support/users-api.js';

/**
 * deleteUser over HTTP (README: Using the API; schema.graphql: Mutation.deleteUser): the deleted id
 * answered as a string, the user gone, their email free again and their token refused; NOT_FOUND
 * and BAD_USER_INPUT; and the last-admin rule as a caller meets it, LAST_ADMIN in
 * extensions.code. The rule itself, for deletions and demotions, alone and racing, is specified on
 * the service: tests/services/user.service.test.ts.
 */

let server: TestServer;
let adminToken: string;
let adminId: string;
const { createUser, updateUser, getUser, listUsers, countUsers, storedUser } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminId = String(admin.id);
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('deleteUser', () => {
  it('returns the deleted id as a string, and the user is gone', async () => {
    const user = await makeUser(server);
    const before = await countUsers();
    const res = await server.gql<{ deleteUser: string }>(DELETE, { id: String(user.id) }, adminToken);
    expect(dataOf(res).deleteUser).toBe(String(user.id));
    expect(typeof res.data!.deleteUser).toBe('string');
    const gone = await getUser(user.id);
    expect(codeOf(gone)).toBe('NOT_FOUND');
    expect(errorOf(gone).message).toBe('The user with this id does not exist in the system');
    expect(await countUsers()).toBe(before - 1);
  });

  it('frees the email of the deleted user', async () => {
    const user = await makeUser(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(dataOf(await createUser(validInput({ email: user.email }))).createUser.email).toBe(user.email);
  });

  it('keeps a deleted user out: login fails and their old token is refused', async () => {
    const { user, token } = await signedIn(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown id with NOT_FOUND, also when deleting twice', async () => {
    const unknown = await server.gql(DELETE, { id: '987654' }, adminToken);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect(errorOf(unknown).message).toBe('The user with this id does not exist in the system');
    const user = await makeUser(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(codeOf(await server.gql(DELETE, { id: String(user.id) }, adminToken))).toBe('NOT_FOUND');
  });

  it.each(['abc', '0', '-1', '1.5'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    expect(codeOf(await server.gql(DELETE, { id }, adminToken))).toBe('BAD_USER_INPUT');
  });
});

describe('the last-admin rule, as a caller meets it', () => {
  /** Leaves the signed-in first admin as the only admin. */
  async function makeFirstAdminTheOnlyOne() {
    const all = dataOf(await listUsers({ limit: 1000 })).users;
    expect(all.total).toBeLessThanOrEqual(1000);
    for (const u of all.items) {
      if (u.id !== adminId && u.roles.includes('ADMIN')) dataOf(await updateUser(u.id, { roles: ['USER'] }));
    }
    const admins = dataOf(await listUsers({ limit: 1000 })).users.items.filter((u) => u.roles.includes('ADMIN'));
    expect(admins.map((u) => u.id)).toEqual([adminId]);
  }

  it('refuses to delete the only admin with LAST_ADMIN in extensions.code, and the admin stays', async () => {
    await makeFirstAdminTheOnlyOne();
    const before = await storedUser(adminId);
    const res = await server.gql(DELETE, { id: adminId }, adminToken);
    const error = errorOf(res);
    expect(error.extensions.code).toBe('LAST_ADMIN');
    expect(error.message).toMatch(/admin/i);
    expect(await storedUser(adminId)).toEqual(before);
  });
});
