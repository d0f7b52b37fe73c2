import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ME, DELETE, UPDATE_ME, LOGIN, errorOf, codeOf, fieldsOf, dataOf, unique, usersApi, type UserJson } from '../support/users-api.js';

/**
 * updateUser and updateMe over HTTP (README: Using the API; schema.graphql: Mutation.updateUser,
 * Mutation.updateMe): omitted fields left unchanged, normalisation as on create, the client list
 * replaced or cleared, notification preferences merged, a new password (the old one and, for
 * updateMe, older tokens refused), a taken email refused, all or nothing with every bad field
 * named; updateMe asks for the current password before changing it. The last-admin rule is
 * specified on the service: tests/services/user.service.test.ts.
 */

let server: TestServer;
let adminToken: string;
const { createUser, updateUser, storedUser } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('updateUser', () => {
  it('leaves every omitted field unchanged', async () => {
    const a = await makeClient(server);
    const user = await makeUser(server, { roles: ['user'], clientIds: [a.id], notificationPreferences: { email: false, ui: true } });
    const before = await storedUser(user.id);
    const updated = dataOf(await updateUser(user.id, { name: 'Renamed Person' })).updateUser;
    expect(updated).toMatchObject({
      id: before.id,
      name: 'Renamed Person',
      email: before.email,
      roles: before.roles,
      clients: before.clients,
      notificationPreferences: before.notificationPreferences,
      createdAt: before.createdAt,
    });
    expect(await storedUser(user.id)).toEqual(updated);
    // the password did not change either
    expect((await server.gql(LOGIN, { email: before.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('changes nothing but updatedAt when the input is empty', async () => {
    const user = await makeUser(server);
    const before = await storedUser(user.id);
    const updated = dataOf(await updateUser(user.id, {})).updateUser;
    expect({ ...updated, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
  });

  it('normalises name and email as createUser does', async () => {
    const user = await makeUser(server);
    const m = unique('upd');
    const updated = dataOf(await updateUser(user.id, { name: '  Trimmed  ', email: ` ${m.toUpperCase()}@Example.ORG ` })).updateUser;
    expect(updated.name).toBe('Trimmed');
    expect(updated.email).toBe(`${m}@example.org`);
  });

  it('changes roles, collapsing repeats', async () => {
    const user = await makeUser(server);
    const updated = dataOf(await updateUser(user.id, { roles: ['ADMIN', 'ADMIN'] })).updateUser;
    expect(updated.roles).toEqual(['ADMIN']);
    const back = dataOf(await updateUser(user.id, { roles: ['USER'] })).updateUser;
    expect(back.roles).toEqual(['USER']);
  });

  it('replaces the whole client list with clientIds', async () => {
    const [a, b, c] = [await makeClient(server), await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id, b.id] });
    const updated = dataOf(await updateUser(user.id, { clientIds: [String(c.id), String(b.id), String(c.id)] })).updateUser;
    expect(updated.clients.map((x) => x.id).sort()).toEqual([String(b.id), String(c.id)].sort());
    expect((await storedUser(user.id)).clients.map((x) => x.id).sort()).toEqual([String(b.id), String(c.id)].sort());
  });

  it('clears the client list with clientIds []', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id, b.id] });
    const updated = dataOf(await updateUser(user.id, { clientIds: [] })).updateUser;
    expect(updated.clients).toEqual([]);
    expect((await storedUser(user.id)).clients).toEqual([]);
  });

  it('merges notificationPreferences into the stored ones', async () => {
    const user = await makeUser(server, { notificationPreferences: { email: false, ui: true } });
    const first = dataOf(await updateUser(user.id, { notificationPreferences: { ui: false } })).updateUser;
    expect(first.notificationPreferences).toEqual({ email: false, ui: false });
    const second = dataOf(await updateUser(user.id, { notificationPreferences: { email: true } })).updateUser;
    expect(second.notificationPreferences).toEqual({ email: true, ui: false });
    const untouched = dataOf(await updateUser(user.id, { notificationPreferences: {} })).updateUser;
    expect(untouched.notificationPreferences).toEqual({ email: true, ui: false });
  });

  it('changes the password: the new one logs in, the old one does not', async () => {
    const user = await makeUser(server);
    dataOf(await updateUser(user.id, { password: 'brand new secret' }));
    expect((await server.gql(LOGIN, { email: user.email, password: 'brand new secret' })).errors).toBeUndefined();
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('keeps the user own email when it is given again in another case', async () => {
    const user = await makeUser(server);
    const updated = dataOf(await updateUser(user.id, { email: user.email.toUpperCase() })).updateUser;
    expect(updated.email).toBe(user.email);
  });

  it('refuses an email taken by another user with ALREADY_EXISTS and changes nothing', async () => {
    const taken = await makeUser(server);
    const user = await makeUser(server);
    const before = await storedUser(user.id);
    const res = await updateUser(user.id, { name: 'Should Not Stick', email: taken.email.toUpperCase() });
    const error = errorOf(res);
    expect(error.extensions.code).toBe('ALREADY_EXISTS');
    expect(error.message).toBe('A user with this email already exists');
    expect(await storedUser(user.id)).toEqual(before);
  });

  it('answers an unknown id with NOT_FOUND', async () => {
    const res = await updateUser('987654', { name: 'Nobody' });
    const error = errorOf(res);
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(error.message).toBe('The user with this id does not exist in the system');
  });

  it.each(['abc', '0', '-1', '1.5'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    expect(codeOf(await updateUser(id, { name: 'Nobody' }))).toBe('BAD_USER_INPUT');
  });

  it('is all or nothing: one bad field and no field changes', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id] });
    const before = await storedUser(user.id);
    const attempts: Record<string, unknown>[] = [
      { name: 'Good Name', email: 'not-an-email' },
      { name: 'Good Name', clientIds: [String(b.id), '987654'] },
      { email: `${unique('ok')}@example.com`, password: 'short' },
      { notificationPreferences: { email: false }, roles: [] },
      { clientIds: [String(b.id)], name: '  ' },
    ];
    for (const input of attempts) {
      const res = await updateUser(user.id, input);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(await storedUser(user.id)).toEqual(before);
    }
    expect((await server.gql(LOGIN, { email: before.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('names every bad field at once', async () => {
    const user = await makeUser(server);
    const res = await updateUser(user.id, { name: '', email: 'x', password: '1', roles: [], clientIds: ['987654'] });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(fieldsOf(res)).sort()).toEqual(['clientIds', 'email', 'name', 'password', 'roles']);
  });
});

describe('updateMe', () => {
  const updateMe = (input: Record<string, unknown>, token: string) => server.gql<{ updateMe: UserJson }>(UPDATE_ME, { input }, token);

  it('changes the caller name (trimmed) and merges notification preferences', async () => {
    const { user, token } = await signedIn(server, { notificationPreferences: { email: true, ui: true } });
    const updated = dataOf(await updateMe({ name: '  Self Named  ', notificationPreferences: { email: false } }, token)).updateMe;
    expect(updated).toMatchObject({ id: String(user.id), name: 'Self Named', email: user.email, roles: ['USER'], notificationPreferences: { email: false, ui: true } });
    const again = dataOf(await updateMe({ notificationPreferences: { ui: false } }, token)).updateMe;
    expect(again.notificationPreferences).toEqual({ email: false, ui: false });
    expect(again.name).toBe('Self Named');
    expect(await storedUser(user.id)).toEqual(again);
  });

  it('works for an ADMIN too', async () => {
    const admin = await makeAdmin(server);
    const token = await login(server, admin.email);
    const updated = dataOf(await updateMe({ name: 'Admin Self' }, token)).updateMe;
    expect(updated.name).toBe('Admin Self');
    expect(updated.roles).toEqual(['ADMIN']);
    dataOf(await server.gql(DELETE, { id: String(admin.id) }, adminToken));
  });

  it('refuses a bad name with fields.name and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const before = await storedUser(user.id);
    const res = await updateMe({ name: '   ', notificationPreferences: { ui: false } }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('name');
    expect(await storedUser(user.id)).toEqual(before);
  });

  it('refuses a new password without currentPassword with fields.currentPassword', async () => {
    const { user, token } = await signedIn(server);
    const res = await updateMe({ password: 'another secret' }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('currentPassword');
    expect((await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('refuses a new password with a wrong currentPassword with fields.currentPassword, and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const before = await storedUser(user.id);
    const res = await updateMe({ password: 'another secret', currentPassword: 'not the password', name: 'Changed Anyway' }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('currentPassword');
    expect(await storedUser(user.id)).toEqual(before);
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: 'another secret' }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a too-short new password with fields.password even with the right currentPassword', async () => {
    const { token } = await signedIn(server);
    const res = await updateMe({ password: 'short', currentPassword: DEFAULT_PASSWORD }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('password');
  });

  it('with the right currentPassword: the new password logs in, the old one does not, old tokens are revoked', async () => {
    const { user, token } = await signedIn(server);
    const res = await updateMe({ password: 'my new passphrase', currentPassword: DEFAULT_PASSWORD }, token);
    expect(dataOf(res).updateMe.id).toBe(String(user.id));
    const fresh = await server.gql<{ login: { token: string } }>(LOGIN, { email: user.email, password: 'my new passphrase' });
    expect(dataOf(fresh).login.token).toMatch(/\S/);
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect(dataOf(await server.gql<{ me: UserJson }>(ME, {}, fresh.data!.login.token)).me.id).toBe(String(user.id));
  });

  it('gives UNAUTHENTICATED to an anonymous caller', async () => {
    expect(codeOf(await server.gql(UPDATE_ME, { input: { name: 'Nobody' } }))).toBe('UNAUTHENTICATED');
  });
});
