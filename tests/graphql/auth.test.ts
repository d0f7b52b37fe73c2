import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Directive, Query, Resolver } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOLVERS, buildGraphQLSchema } from '../../server/graphql/schema.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Signing in and being signed in, over HTTP (README: Using the API and Security; schema.graphql:
 * login): the token and what login answers, one answer for every failed login, how a lockout
 * reaches the caller, Bearer tokens (forged, unsigned, expired, revoked by a password change or a
 * deletion), roles and access lists read on every request, errors that leak nothing, and an
 * unreachable database.
 */

const LOGIN = `mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token expiresAt
    user { id name email roles lastLoginAt clients { id } }
  }
}`;
const ME = '{ me { id email } }';
const USERS = '{ users { total items { id } } }';
const USER_LAST_LOGIN = 'query($id: ID!) { user(id: $id) { id lastLoginAt } }';
const UPDATE_USER = 'mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id roles clients { id } } }';
const UPDATE_ME = 'mutation($input: UpdateMeInput!) { updateMe(input: $input) { id } }';

const BAD_CREDENTIALS = 'Incorrect email or password';
const NEW_PASSWORD = 'a brand new passphrase';

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server);
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

/** A raw POST to /graphql, for the requests that server.gql cannot make (headers, bodies). */
async function post(target: TestServer, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${target.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

function errorCode(res: { errors?: { extensions: { code: string } }[] | undefined }): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

async function expectUnauthenticated(token: string | undefined, query = ME): Promise<void> {
  const res = await server.gql(query, undefined, token);
  expect(res.data?.me ?? null).toBeNull();
  expect(errorCode(res)).toBe('UNAUTHENTICATED');
}

describe('login', () => {
  it('returns a token, its expiry (now + the token lifetime) and the signed-in user', async () => {
    const client = await makeClient(server);
    const user = await makeUser(server, { name: 'Login Payload', clientIds: [client.id] });
    const before = Date.now();
    const res = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    const after = Date.now();

    expect(res.errors).toBeUndefined();
    const payload = res.data!.login;
    expect(payload.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const expiresAt = Date.parse(payload.expiresAt);
    // The server under test issues tokens for 3600 seconds (expiry rounded down to the second).
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 3600_000);
    expect(payload.user).toEqual({
      id: String(user.id),
      name: 'Login Payload',
      email: user.email,
      roles: ['USER'],
      lastLoginAt: expect.any(String),
      clients: [{ id: String(client.id) }],
    });
  });

  it('sets lastLoginAt: null before the first login, the time of the login after', async () => {
    const user = await makeUser(server);
    const beforeRes = await server.gql(USER_LAST_LOGIN, { id: String(user.id) }, adminToken);
    expect(beforeRes.data!.user.lastLoginAt).toBeNull();

    const before = Date.now();
    const res = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    const after = Date.now();
    const fromPayload = Date.parse(res.data!.login.user.lastLoginAt);
    expect(fromPayload).toBeGreaterThanOrEqual(before - 1000);
    expect(fromPayload).toBeLessThanOrEqual(after + 1000);

    const afterRes = await server.gql(USER_LAST_LOGIN, { id: String(user.id) }, adminToken);
    expect(Date.parse(afterRes.data!.user.lastLoginAt)).toBe(fromPayload);
  });

  it('says the same for an unknown email and a wrong password', async () => {
    const user = await makeUser(server);
    const unknown = await server.gql(LOGIN, { email: 'nobody-at-all@example.com', password: DEFAULT_PASSWORD });
    const wrong = await server.gql(LOGIN, { email: user.email, password: 'not the password' });

    for (const res of [unknown, wrong]) {
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.message).toBe(BAD_CREDENTIALS);
      expect(res.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(unknown.errors![0]!.extensions).toEqual(wrong.errors![0]!.extensions);
  });

  it('does not set lastLoginAt on a failed login', async () => {
    const user = await makeUser(server);
    await server.gql(LOGIN, { email: user.email, password: 'not the password' });
    const res = await server.gql(USER_LAST_LOGIN, { id: String(user.id) }, adminToken);
    expect(res.data!.user.lastLoginAt).toBeNull();
  });

  it('matches the email case-insensitively and ignores surrounding spaces', async () => {
    const user = await makeUser(server, { email: `Mixed.Case-${Date.now()}@Example.com` });
    expect(user.email).toBe(user.email.toLowerCase());
    const res = await server.gql(LOGIN, { email: `  ${user.email.toUpperCase()}  `, password: DEFAULT_PASSWORD });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user.id).toBe(String(user.id));
  });

  it('gives a token that works as "Authorization: Bearer <token>"', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const res = await server.gql(ME, undefined, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me).toEqual({ id: String(user.id), email: user.email });

    const lowerCaseScheme = await post(server, JSON.stringify({ query: ME }), { authorization: `bearer ${token}` });
    expect(lowerCaseScheme.json.data.me.id).toBe(String(user.id));
  });

  it('is public: a bad token in the request does not prevent it', async () => {
    const user = await makeUser(server);
    const res = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }, 'abc');
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user.id).toBe(String(user.id));
  });
});

describe('login with a password longer than bcrypt reads', () => {
  it('fails for the stored 72 bytes followed by anything: bcrypt would have ignored the rest', async () => {
    const password = 'p'.repeat(72);
    const user = await makeUser(server, { password });
    const longer = await server.gql(LOGIN, { email: user.email, password: `${password}extra` });
    expect(longer.errors?.[0]).toMatchObject({ message: BAD_CREDENTIALS, extensions: { code: 'UNAUTHENTICATED' } });
    const exact = await server.gql(LOGIN, { email: user.email, password });
    expect(exact.errors).toBeUndefined();
  });
});

describe('login throttling', () => {
  // The throttle's rules are specified on the services (tests/services/login-throttle.test.ts);
  // here, how a lockout reaches the caller: TOO_MANY_REQUESTS with extensions.retryAfter.
  const fail = (email: string) => server.gql(LOGIN, { email, password: 'a wrong password' });

  it('refuses the 11th attempt after 10 failures for one email, even with the right password, and says when to retry', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < 10; i++) {
      const res = await fail(user.email);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
    }
    const res = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    expect(res.data).toBeNull();
    const error = res.errors![0]!;
    expect(error.extensions.code).toBe('TOO_MANY_REQUESTS');
    expect(error.message).toMatch(/try again in \d+ (second|minute)s?/i);
    const retryAfter = error.extensions.retryAfter;
    expect(typeof retryAfter).toBe('number');
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // Differently spelt, still the same email.
    const spelt = await server.gql(LOGIN, { email: ` ${user.email.toUpperCase()} `, password: DEFAULT_PASSWORD });
    expect(errorCode(spelt)).toBe('TOO_MANY_REQUESTS');
    // And the refused attempt did not sign in.
    const record = await server.gql(USER_LAST_LOGIN, { id: String(user.id) }, adminToken);
    expect(record.data!.user.lastLoginAt).toBeNull();
  });
});

describe('tokens', () => {
  it('a protected operation without a token is UNAUTHENTICATED', async () => {
    await expectUnauthenticated(undefined);
    const users = await server.gql(USERS);
    expect(errorCode(users)).toBe('UNAUTHENTICATED');
    expect(users.data).toBeNull();
  });

  it('a malformed token is UNAUTHENTICATED', async () => {
    await expectUnauthenticated('abc');
    await expectUnauthenticated('a.b.c');
  });

  it('a token signed with another key is UNAUTHENTICATED', async () => {
    const user = await makeUser(server);
    const forged = jwt.sign({ ver: 1 }, createSecretKey(randomBytes(32)), {
      algorithm: 'HS256',
      subject: String(user.id),
      issuer: 'tracker-system',
      expiresIn: 3600,
    });
    await expectUnauthenticated(forged);
    // Nor does an unsigned token get through.
    const unsigned = jwt.sign({ ver: 1, sub: String(user.id), iss: 'tracker-system' }, '', { algorithm: 'none' } as jwt.SignOptions);
    await expectUnauthenticated(unsigned);
  });

  it('a valid token in an Authorization header that is not Bearer is UNAUTHENTICATED', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    for (const header of [`Token ${token}`, `Basic ${Buffer.from(`${user.email}:${DEFAULT_PASSWORD}`).toString('base64')}`, token]) {
      const res = await post(server, JSON.stringify({ query: ME }), { authorization: header });
      expect(res.json.data).toBeNull();
      expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('an expired token is UNAUTHENTICATED', async () => {
    // Tokens that live 2 seconds: long enough to see one work first, short enough to wait out.
    const shortLived = await startTestServer({ jwtExpiresInSeconds: 2 });
    try {
      const user = await makeUser(shortLived);
      const res = await shortLived.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
      const { token, expiresAt } = res.data!.login;
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
      const fresh = await shortLived.gql(ME, undefined, token);
      expect(fresh.data!.me.id).toBe(String(user.id));

      await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 1100));
      const expired = await shortLived.gql(ME, undefined, token);
      expect(expired.data).toBeNull();
      expect(errorCode(expired)).toBe('UNAUTHENTICATED');
      // Signing in again works.
      const again = await login(shortLived, user.email);
      expect((await shortLived.gql(ME, undefined, again)).data!.me.id).toBe(String(user.id));
    } finally {
      await shortLived.close();
    }
  });

  describe('revocation', () => {
    it('updateUser changing the password refuses every token issued before; the new password works', async () => {
      const user = await makeUser(server);
      const first = await login(server, user.email);
      const second = await login(server, user.email);
      expect((await server.gql(ME, undefined, first)).data!.me.id).toBe(String(user.id));

      const update = await server.gql(UPDATE_USER, { id: String(user.id), input: { password: NEW_PASSWORD } }, adminToken);
      expect(update.errors).toBeUndefined();

      await expectUnauthenticated(first);
      await expectUnauthenticated(second);
      const oldPassword = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
      expect(oldPassword.errors![0]!.message).toBe(BAD_CREDENTIALS);
      const fresh = await login(server, user.email, NEW_PASSWORD);
      expect((await server.gql(ME, undefined, fresh)).data!.me.id).toBe(String(user.id));
    });

    it('updateUser without a password change keeps the tokens valid', async () => {
      const user = await makeUser(server);
      const token = await login(server, user.email);
      const update = await server.gql(UPDATE_USER, { id: String(user.id), input: { name: 'Renamed Only' } }, adminToken);
      expect(update.errors).toBeUndefined();
      expect((await server.gql(ME, undefined, token)).data!.me.id).toBe(String(user.id));
    });

    it('updateMe changing the password refuses every token issued before, the one used included', async () => {
      const user = await makeUser(server);
      const other = await login(server, user.email);
      const used = await login(server, user.email);
      const res = await server.gql(UPDATE_ME, { input: { password: NEW_PASSWORD, currentPassword: DEFAULT_PASSWORD } }, used);
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateMe.id).toBe(String(user.id));

      await expectUnauthenticated(used);
      await expectUnauthenticated(other);
      const fresh = await login(server, user.email, NEW_PASSWORD);
      expect((await server.gql(ME, undefined, fresh)).data!.me.id).toBe(String(user.id));
    });

    it("deleteUser refuses the deleted user's token", async () => {
      const { user, token } = await signedIn(server);
      expect((await server.gql(ME, undefined, token)).data!.me.id).toBe(String(user.id));
      const res = await server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id: String(user.id) }, adminToken);
      expect(res.data).toEqual({ deleteUser: String(user.id) });
      await expectUnauthenticated(token);
    });
  });

  describe('roles and access lists are read on every request', () => {
    it('a USER token is FORBIDDEN on users until an admin grants ADMIN, and at once again when it is revoked', async () => {
      const { user, token } = await signedIn(server);
      const denied = await server.gql(USERS, undefined, token);
      expect(denied.data).toBeNull();
      expect(errorCode(denied)).toBe('FORBIDDEN');
      expect(denied.errors![0]!.message).toMatch(/ADMIN/);

      const grant = await server.gql(UPDATE_USER, { id: String(user.id), input: { roles: ['ADMIN', 'USER'] } }, adminToken);
      expect(grant.data!.updateUser.roles).toEqual(expect.arrayContaining(['ADMIN', 'USER']));
      const allowed = await server.gql(USERS, undefined, token);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data!.users.items.map((u: { id: string }) => u.id)).toContain(String(user.id));

      const revoke = await server.gql(UPDATE_USER, { id: String(user.id), input: { roles: ['USER'] } }, adminToken);
      expect(revoke.data!.updateUser.roles).toEqual(['USER']);
      expect(errorCode(await server.gql(USERS, undefined, token))).toBe('FORBIDDEN');
    });

    it('a change to the client access list applies at once to client(id)', async () => {
      const client = await makeClient(server);
      const { user, token } = await signedIn(server);
      const CLIENT = 'query($id: ID!) { client(id: $id) { id name } }';

      expect(errorCode(await server.gql(CLIENT, { id: String(client.id) }, token))).toBe('FORBIDDEN');

      await server.gql(UPDATE_USER, { id: String(user.id), input: { clientIds: [String(client.id)] } }, adminToken);
      const granted = await server.gql(CLIENT, { id: String(client.id) }, token);
      expect(granted.errors).toBeUndefined();
      expect(granted.data!.client).toEqual({ id: String(client.id), name: client.name });

      await server.gql(UPDATE_USER, { id: String(user.id), input: { clientIds: [] } }, adminToken);
      expect(errorCode(await server.gql(CLIENT, { id: String(client.id) }, token))).toBe('FORBIDDEN');
    });
  });
});

@Resolver()
class ExplodingResolver {
  @Query(() => String)
  @Directive('@public')
  explode(): string {
    throw new Error('select * from secret_table password=hunter2');
  }
}

describe('errors', () => {
  it('an unexpected failure is INTERNAL_SERVER_ERROR with no stack, SQL or secrets in the response', async () => {
    const logged: { message: string; error: unknown }[] = [];
    const exploding = await startTestServer({
      schema: buildGraphQLSchema([...RESOLVERS, ExplodingResolver]),
      logger: { structured: false, info() {}, warn() {}, error: (message, error) => void logged.push({ message, error }) },
    });
    try {
      const res = await post(exploding, JSON.stringify({ query: '{ explode }' }));
      expect(res.json.errors).toHaveLength(1);
      expect(res.json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.text).not.toContain('secret_table');
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('select');
      expect(res.text.toLowerCase()).not.toContain('stack');
      // The operator still gets the whole story in the log.
      expect(logged.some(({ error }) => error instanceof Error && error.message.includes('secret_table'))).toBe(true);
    } finally {
      await exploding.close();
    }
  });

  it('a body that is not JSON is answered 400 with an error code', async () => {
    const res = await post(server, '{"query": "{ me { id } ', { authorization: `Bearer ${adminToken}` });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toEqual(expect.any(String));
    expect(res.json.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('an unknown field is GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await server.gql('{ me { id noSuchField } }', undefined, adminToken);
    expect(res.data ?? null).toBeNull();
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toContain('noSuchField');
  });
});

describe('an unreachable database', () => {
  let lost: TestServer;
  let lostAdminToken: string;

  beforeAll(async () => {
    lost = await startTestServer();
    const admin = await makeAdmin(lost);
    lostAdminToken = await login(lost, admin.email);
  });

  afterAll(async () => {
    await lost?.close();
  });

  it('GET /healthz answers 200 with the database up while it is reachable', async () => {
    const response = await fetch(`${lost.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
  });

  describe('once the database is closed', () => {
    beforeAll(async () => {
      await lost.db.database.close();
    });

    it('GET /healthz answers 503 with the database down', async () => {
      const response = await fetch(`${lost.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ database: 'down' });
    });

    it('a query is DATABASE_UNAVAILABLE, with no internals', async () => {
      const res = await post(lost, JSON.stringify({ query: '{ clients { id } }' }), { authorization: `Bearer ${lostAdminToken}` });
      expect(res.json.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      expect(res.text.toLowerCase()).not.toContain('stack');
      expect(res.text).not.toMatch(/select|user_clients|postgres:\/\//i);
    });

    it('login is DATABASE_UNAVAILABLE too', async () => {
      const res = await post(lost, JSON.stringify({ query: LOGIN, variables: { email: 'someone@example.com', password: DEFAULT_PASSWORD } }));
      expect(res.json.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      expect(res.text).not.toMatch(/select|login_failures/i);
    });
  });
});
