import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { actorOf } from '../support/services.js';
import { USER, ME, errorOf, codeOf, dataOf, usersApi, type UserJson } from '../support/users-api.js';

/**
 * Reading users over HTTP (README: Using the API; schema.graphql: Query.user, Query.me): an ADMIN
 * reads anyone, a USER only themselves, anonymous callers nobody; NOT_FOUND and BAD_USER_INPUT for
 * unknown and malformed ids; reads that arrive together cost one statement, each caller still
 * getting their own answer or refusal.
 */

let server: TestServer;
let adminToken: string;
let adminId: string;
let admin: UserSummary;
const { getUser } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminId = String(admin.id);
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('user query', () => {
  it('lets an ADMIN read any user', async () => {
    const other = await makeUser(server, { notificationPreferences: { email: false } });
    const res = await getUser(other.id);
    expect(dataOf(res).user).toMatchObject({
      id: String(other.id),
      name: other.name,
      email: other.email,
      roles: ['USER'],
      clients: [],
      notificationPreferences: { email: false, ui: true },
      lastLoginAt: null,
    });
  });

  it('lets a USER read their own profile', async () => {
    const { user, token } = await signedIn(server);
    const res = await getUser(user.id, token);
    expect(dataOf(res).user).toMatchObject({ id: String(user.id), email: user.email, roles: ['USER'] });
  });

  it('refuses a USER reading another user with FORBIDDEN', async () => {
    const { token } = await signedIn(server);
    const other = await makeUser(server);
    const res = await getUser(other.id, token);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.data?.user ?? null).toBeNull();
    expect(JSON.stringify(res)).not.toContain(other.email);
  });

  it('refuses a USER reading an admin with FORBIDDEN', async () => {
    const { token } = await signedIn(server);
    expect(codeOf(await getUser(adminId, token))).toBe('FORBIDDEN');
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const other = await makeUser(server);
    expect(codeOf(await server.gql(USER, { id: String(other.id) }))).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown id with NOT_FOUND and its fixed message', async () => {
    const res = await getUser('987654');
    const error = errorOf(res);
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(error.message).toBe('The user with this id does not exist in the system');
  });

  it.each(['abc', '0', '-1', '1.5', '', '+1'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    const res = await getUser(id);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });

  it('refuses a malformed id with BAD_USER_INPUT for a USER too', async () => {
    const { token } = await signedIn(server);
    expect(codeOf(await getUser('abc', token))).toBe('BAD_USER_INPUT');
  });

  it('reads the users that callers ask for at the same moment in one statement', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => makeUser(server)));
    const asAdmin = () => server.services.context(actorOf(admin));
    const read = (id: number) => server.services.users.get(asAdmin(), id).then((u) => u.email, (e: Error) => e.message);
    let emails: string[] = [];
    const statements = await server.countStatements(async () => {
      emails = await Promise.all([...users.map((u) => read(u.id)), read(users[0]!.id), read(987654)]);
    });
    expect(statements).toBe(1);
    expect(emails).toEqual([...users.map((u) => u.email), users[0]!.email, 'The user with this id does not exist in the system']);
  });

  it('gives each of many concurrent callers their own answer, and their own refusal', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => signedIn(server)));
    const ids = users.map(({ user }) => user.id);
    const answers = await Promise.all([
      ...ids.map((id) => getUser(id)), // the admin reads each of them
      ...users.map(({ token }) => server.gql(ME, {}, token)), // and each reads themselves
      getUser('987654'), // one that does not exist
      getUser(ids[1]!, users[0]!.token), // one this caller may not read
    ]);
    ids.forEach((id, i) => expect(dataOf(answers[i]!).user).toMatchObject({ id: String(id), email: users[i]!.user.email }));
    ids.forEach((id, i) => expect(dataOf(answers[ids.length + i]!).me).toMatchObject({ id: String(id), email: users[i]!.user.email }));
    expect(codeOf(answers[12]!)).toBe('NOT_FOUND');
    expect(codeOf(answers[13]!)).toBe('FORBIDDEN');
  });

  it('costs one statement for a user read alone', async () => {
    const other = await makeUser(server);
    await getUser(other.id);
    expect(await server.countStatements(() => getUser(other.id))).toBe(1);
  });
});

describe('me', () => {
  it('returns the signed-in USER', async () => {
    const client = await makeClient(server);
    const { user, token } = await signedIn(server, { clientIds: [client.id] });
    const me = dataOf(await server.gql<{ me: UserJson }>(ME, {}, token)).me;
    expect(me).toMatchObject({ id: String(user.id), email: user.email, name: user.name, roles: ['USER'], clients: [{ id: String(client.id), name: client.name }] });
    expect(me.lastLoginAt).not.toBeNull();
  });

  it('returns the signed-in ADMIN', async () => {
    const me = dataOf(await server.gql<{ me: UserJson }>(ME, {}, adminToken)).me;
    expect(me.id).toBe(adminId);
    expect(me.roles).toContain('ADMIN');
  });

  it('gives UNAUTHENTICATED to an anonymous caller', async () => {
    expect(codeOf(await server.gql(ME, {}))).toBe('UNAUTHENTICATED');
  });
});
