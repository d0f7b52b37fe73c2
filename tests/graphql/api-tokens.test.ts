import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../support/database.js';
import { login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

/**
 * API tokens for scripts (schema.graphql: ApiToken, NewApiToken, myApiTokens, apiTokens,
 * createApiToken, revokeApiToken; README: Scripting the API): a `trk_` token, shown once and kept
 * as a hash, acts as its user with the user's current roles and client list, until it expires or
 * is revoked, or its user is suspended or deleted. A request made with one cannot make tokens,
 * change a password or change two-factor.
 */
const CREATE = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name createdAt expiresAt lastUsedAt } } }';
const MINE = '{ myApiTokens { id name createdAt expiresAt lastUsedAt } }';
const REVOKE = 'mutation($id: ID!) { revokeApiToken(id: $id) }';
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions.code ?? 'OK';

interface NewToken {
  token: string;
  apiToken: { id: string; name: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null };
}

let server: TestServer;
let admin: { id: number; email: string };
let adminSession: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server);
  adminSession = await login(server, admin.email);
});
afterAll(() => server?.close());

const sql = <T>(query: string, params: unknown[] = []) => server.db.database.orm.em.getConnection().execute<T[]>(query, params);

async function createToken(session: string, input: { name: string; expiresInDays?: number | null }): Promise<NewToken> {
  const res = await server.gql<{ createApiToken: NewToken }>(CREATE, { input }, session);
  expect(res.errors).toBeUndefined();
  return res.data!.createApiToken;
}

/** A user signed in with their password, and an API token of theirs. */
async function userWithToken(overrides: Parameters<typeof makeUser>[1] = {}) {
  const { user, token: session } = await signedIn(server, overrides);
  const created = await createToken(session, { name: 'a script' });
  return { user, session, apiToken: created.token, id: created.apiToken.id };
}

describe('createApiToken', () => {
  it('gives a trk_ token once, and the database keeps only the SHA-256 of its secret', async () => {
    const { token: session } = await signedIn(server);
    const created = await createToken(session, { name: 'nightly sync' });
    expect(created.token).toMatch(/^trk_[1-9][0-9]*_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: 'nightly sync', expiresAt: null, lastUsedAt: null });
    expect(created.token.startsWith(`trk_${created.apiToken.id}_`)).toBe(true);

    const secret = created.token.split('_').slice(2).join('_');
    const [row] = await sql<Record<string, unknown>>(`select * from "api_tokens" where "id" = ?`, [created.apiToken.id]);
    expect(row!.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    // Nor is it anywhere in the audit log.
    const audit = await sql<{ changes: unknown }>(`select "changes" from "audit_events" where "action" = 'api-token.create'`);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('expires after expiresInDays days, 1 to 3650; without it, never', async () => {
    const { token: session } = await signedIn(server);
    const before = Date.now();
    const created = await createToken(session, { name: 'quarterly report', expiresInDays: 90 });
    expect(Date.parse(created.apiToken.expiresAt!) - before).toBeGreaterThanOrEqual(90 * 86_400_000 - 1000);
    expect(Date.parse(created.apiToken.expiresAt!) - before).toBeLessThan(90 * 86_400_000 + 60_000);
    for (const expiresInDays of [0, -1, 3651]) {
      const res = await server.gql(CREATE, { input: { name: 'x', expiresInDays } }, session);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { expiresInDays: expect.stringContaining('1 to 3650') } });
    }
  });

  it('names every bad field: a name follows the rules of user names', async () => {
    const { token: session } = await signedIn(server);
    const res = await server.gql(CREATE, { input: { name: '   ', expiresInDays: 0 } }, session);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { name: 'must not be empty', expiresInDays: expect.any(String) } });
  });

  it('needs a signed-in user', async () => {
    expect(code(await server.gql(CREATE, { input: { name: 'x' } }))).toBe('UNAUTHENTICATED');
  });

  it('holds a user to 100 working tokens at once: CONFLICT until one is revoked', async () => {
    const user = await makeUser(server);
    const session = await login(server, user.email);
    const system = server.system();
    for (let i = 0; i < 100; i += 1) await server.services.apiTokens.createFor(system, user.id, { name: `token ${i}` });
    const refused = await server.gql(CREATE, { input: { name: 'one too many' } }, session);
    expect(refused.errors?.[0]).toMatchObject({ message: 'A user can hold at most 100 API tokens: revoke one first', extensions: { code: 'CONFLICT' } });
    const [oldest] = (await server.gql<{ myApiTokens: { id: string }[] }>(MINE, {}, session)).data!.myApiTokens.slice(-1);
    expect(code(await server.gql(REVOKE, { id: oldest!.id }, session))).toBe('OK');
    expect(code(await server.gql(CREATE, { input: { name: 'now there is room' } }, session))).toBe('OK');
  });
});

describe('a request made with an API token', () => {
  it("acts as its user with the user's roles and client list as they are now", async () => {
    const acme = await makeClient(server);
    const { user, apiToken } = await userWithToken({ clientIds: [acme.id] });
    const me = await server.gql<{ me: { id: string; roles: string[] } }>('{ me { id roles } }', {}, apiToken);
    expect(me.data!.me).toEqual({ id: String(user.id), roles: ['USER'] });
    expect(code(await server.gql('query($id: ID!) { client(id: $id) { name } }', { id: String(acme.id) }, apiToken))).toBe('OK');
    expect(code(await server.gql('{ users { total } }', {}, apiToken))).toBe('FORBIDDEN');

    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { roles: [ADMIN], clientIds: [] }) { id } }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ users { total } }', {}, apiToken))).toBe('OK');
    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { roles: [USER] }) { id } }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ users { total } }', {}, apiToken))).toBe('FORBIDDEN');
    expect(code(await server.gql('query($id: ID!) { client(id: $id) { name } }', { id: String(acme.id) }, apiToken))).toBe('FORBIDDEN');
  });

  it('cannot make API tokens, change a password or change two-factor: FORBIDDEN', async () => {
    const { user, apiToken } = await userWithToken();
    const refusals = [
      [CREATE, { input: { name: 'a copy of myself' } }],
      ['mutation { updateMe(input: { password: "another password", currentPassword: "a guess" }) { id } }', {}],
      ['mutation { startTotpEnrollment { secret } }', {}],
      ['mutation { confirmTotpEnrollment(code: "123456") }', {}],
      ['mutation { disableTwoFactor(password: "a guess") }', {}],
    ] as const;
    for (const [query, variables] of refusals) {
      const res = await server.gql(query, variables, apiToken);
      expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^An API token cannot .+: sign in with your password to do it$/), extensions: { code: 'FORBIDDEN' } });
    }
    // The guessed current password was never looked at: no failed sign-in counts against the user.
    expect(await sql(`select 1 from "login_failures" where "email" = ?`, [user.email])).toEqual([]);
    // What needs no password still works.
    expect(code(await server.gql('mutation { updateMe(input: { name: "Renamed by a script" }) { id } }', {}, apiToken))).toBe('OK');
  });

  it("of an admin cannot change another user's password or two-factor either", async () => {
    const otherAdmin = await makeAdmin(server);
    const session = await login(server, otherAdmin.email);
    const { token } = await createToken(session, { name: 'admin script' });
    const user = await makeUser(server);
    const password = await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { password: "set by a script" }) { id } }', { id: String(user.id) }, token);
    expect(password.errors?.[0]).toMatchObject({ message: 'An API token cannot change a password: sign in with your password to do it', extensions: { code: 'FORBIDDEN' } });
    expect(code(await server.gql('mutation($id: ID!) { resetTwoFactor(userId: $id) { id } }', { id: String(user.id) }, token))).toBe('FORBIDDEN');
    // The rest of updateUser is what scripts are for.
    expect(code(await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { id } }', { id: String(user.id) }, token))).toBe('OK');
  });

  it('is refused when the token is malformed, unknown, or its secret is wrong (also once its id is held in memory)', async () => {
    const { apiToken, id } = await userWithToken();
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK'); // now held in memory
    const forged = `trk_${id}_${randomBytes(32).toString('base64url')}`;
    for (const token of [forged, `trk_${id}_`, 'trk_', `trk_999999_${randomBytes(32).toString('base64url')}`, `${apiToken}x`]) {
      const res = await server.gql('{ me { id } }', {}, token);
      expect(res.errors?.[0]).toMatchObject({ message: 'This API token is not valid: it is unknown, revoked or expired, or its user is suspended', extensions: { code: 'UNAUTHENTICATED' } });
    }
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK');
  });

  it('logging out with one ends nothing: the token works on', async () => {
    const { apiToken } = await userWithToken();
    expect((await server.gql('mutation { logout }', {}, apiToken)).data).toEqual({ logout: true });
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK');
  });
});

describe('what ends an API token', () => {
  it('revokeApiToken: your own, at once; NOT_FOUND for one of someone else, revoked, or unknown', async () => {
    const alice = await userWithToken();
    const bob = await userWithToken();
    expect(code(await server.gql('{ me { id } }', {}, alice.apiToken))).toBe('OK');
    for (const id of [bob.id, '999999']) {
      const res = await server.gql(REVOKE, { id }, alice.session);
      expect(res.errors?.[0]).toMatchObject({ message: 'The API token with this id does not exist in the system', extensions: { code: 'NOT_FOUND' } });
    }
    expect(code(await server.gql('{ me { id } }', {}, bob.apiToken))).toBe('OK');
    expect((await server.gql(REVOKE, { id: alice.id }, alice.session)).data).toEqual({ revokeApiToken: true });
    expect(code(await server.gql('{ me { id } }', {}, alice.apiToken))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql(REVOKE, { id: alice.id }, alice.session))).toBe('NOT_FOUND');
  });

  it("an admin revokes anyone's, and sees a user's tokens (apiTokens), which a USER may not", async () => {
    const { user, session, apiToken, id } = await userWithToken();
    const listed = await server.gql<{ apiTokens: { id: string; name: string }[] }>('query($u: ID!) { apiTokens(userId: $u) { id name } }', { u: String(user.id) }, adminSession);
    expect(listed.data!.apiTokens).toEqual([{ id, name: 'a script' }]);
    expect(code(await server.gql('query($u: ID!) { apiTokens(userId: $u) { id } }', { u: String(user.id) }, session))).toBe('FORBIDDEN');
    expect(code(await server.gql('query($u: ID!) { apiTokens(userId: $u) { id } }', { u: '999999' }, adminSession))).toBe('NOT_FOUND');
    expect(code(await server.gql(REVOKE, { id }, adminSession))).toBe('OK');
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('UNAUTHENTICATED');
    const [entry] = await sql<{ target_label: string; changes: unknown }>(`select "target_label", "changes" from "audit_events" where "action" = 'api-token.revoke' order by "id" desc limit 1`);
    expect(entry).toEqual({ target_label: user.email, changes: { apiToken: `a script (${id}) revoked` } });
  });

  it('expiry, also for a token held in memory', async () => {
    const { apiToken, id } = await userWithToken();
    await sql(`update "api_tokens" set "expires_at" = now() + interval '1 second' where "id" = ?`, [id]);
    await expect.poll(async () => code(await server.gql('{ me { id } }', {}, apiToken)), { timeout: 2_000, interval: 20 }).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('UNAUTHENTICATED');
  });

  it("its user's suspension revokes it for good: reactivating restores none", async () => {
    const { user, apiToken } = await userWithToken();
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK');
    await server.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('UNAUTHENTICATED');
    await server.gql('mutation($id: ID!) { reactivateUser(id: $id) { id } }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('UNAUTHENTICATED');
    expect((await server.gql<{ myApiTokens: unknown[] }>(MINE, {}, await login(server, user.email))).data!.myApiTokens).toEqual([]);
    const [entry] = await sql<{ changes: Record<string, unknown> }>(`select "changes" from "audit_events" where "action" = 'user.suspend' and "target_id" = ?`, [String(user.id)]);
    expect(entry!.changes).toMatchObject({ apiTokens: '1 revoked' });
  });

  it('deleting its user takes it with them', async () => {
    const { user, apiToken } = await userWithToken();
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK');
    await server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('UNAUTHENTICATED');
    expect(await sql(`select 1 from "api_tokens" where "user_id" = ?`, [user.id])).toEqual([]);
  });

  it('a revocation written straight to the database (the CLI, psql, another instance) is refused on its next request', async () => {
    const { apiToken, id } = await userWithToken();
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK'); // now held in memory
    await sql(`update "api_tokens" set "revoked_at" = now() where "id" = ?`, [id]);
    await expect.poll(async () => code(await server.gql('{ me { id } }', {}, apiToken)), { timeout: 2_000, interval: 20 }).toBe('UNAUTHENTICATED');
  });

  it('a password change does not end it (sign-in tokens end; API tokens are not sign-ins)', async () => {
    const { user, session, apiToken } = await userWithToken();
    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { password: "a whole new password" }) { id } }', { id: String(user.id) }, adminSession);
    expect(code(await server.gql('{ me { id } }', {}, session))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql('{ me { id } }', {}, apiToken))).toBe('OK');
  });
});

describe('myApiTokens and the per-request check', () => {
  it('lists your tokens, newest first, with their last use, recorded at most once a minute', async () => {
    const { token: session } = await signedIn(server);
    const first = await createToken(session, { name: 'first' });
    const second = await createToken(session, { name: 'second', expiresInDays: 7 });
    const listed = async () => (await server.gql<{ myApiTokens: NewToken['apiToken'][] }>(MINE, {}, session)).data!.myApiTokens;
    expect((await listed()).map((t) => [t.name, t.lastUsedAt])).toEqual([
      ['second', null],
      ['first', null],
    ]);
    expect(JSON.stringify(await listed())).not.toContain(first.token.slice(-20));

    await server.gql('{ me { id } }', {}, first.token);
    await expect.poll(async () => (await listed())[1]!.lastUsedAt, { timeout: 2_000, interval: 20 }).not.toBeNull();
    const used = (await listed())[1]!.lastUsedAt;
    await server.gql('{ me { id } }', {}, first.token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await listed())[1]!.lastUsedAt).toBe(used);
    // A minute later (the cache forgets it, as it would after its own minute), the next request records the time.
    await sql(`update "api_tokens" set "last_used_at" = now() - interval '2 minutes' where "id" = ?`, [first.apiToken.id]);
    server.services.actors.changed('all');
    const old = (await listed())[1]!.lastUsedAt!;
    await server.gql('{ me { id } }', {}, first.token);
    await expect.poll(async () => Date.parse((await listed())[1]!.lastUsedAt!) > Date.parse(old), { timeout: 2_000, interval: 20 }).toBe(true);
    expect((await listed())[0]!.lastUsedAt).toBeNull();
    expect(second.apiToken.expiresAt).not.toBeNull();
  });

  it('costs no statement for a token seen before, like a session', async () => {
    const { apiToken } = await userWithToken();
    const me = () => server.gql('{ me { id } }', {}, apiToken);
    await me();
    await me();
    const cached = await server.countStatements(me);
    server.services.actors.changed('all');
    expect(await server.countStatements(me)).toBe(cached + 1);
  });
});

describe.skipIf(!onPostgres)('several instances', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const jwtKey = createSecretKey(randomBytes(32));
    a = await startTestServer({ jwtKey });
    b = await startTestServer({ jwtKey, joinDatabase: a.db.url });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a token revoked on one instance is refused on the other as soon as the notification arrives', async () => {
    const user = await makeUser(a);
    const session = await login(a, user.email);
    const created = (await a.gql<{ createApiToken: NewToken }>(CREATE, { input: { name: 'sync' } }, session)).data!.createApiToken;
    expect(code(await a.gql('{ me { id } }', {}, created.token))).toBe('OK'); // held by A
    expect(code(await b.gql(REVOKE, { id: created.apiToken.id }, session))).toBe('OK');
    await expect.poll(async () => code(await a.gql('{ me { id } }', {}, created.token)), { timeout: 2_000, interval: 10 }).toBe('UNAUTHENTICATED');
  });

  it("a user's suspension on one instance ends their tokens on the other", async () => {
    const user = await makeUser(a);
    const session = await login(a, user.email);
    const created = (await a.gql<{ createApiToken: NewToken }>(CREATE, { input: { name: 'sync' } }, session)).data!.createApiToken;
    expect(code(await a.gql('{ me { id } }', {}, created.token))).toBe('OK');
    await b.services.users.suspend(b.system(), user.id);
    await expect.poll(async () => code(await a.gql('{ me { id } }', {}, created.token)), { timeout: 2_000, interval: 10 }).toBe('UNAUTHENTICATED');
  });
});
