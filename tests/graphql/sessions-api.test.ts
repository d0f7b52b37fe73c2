import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../support/database.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Sessions (schema.graphql: Session, mySessions, userSessions, revokeSession, revokeUserSessions,
 * logout): every sign-in opens one, its token names it, and a token of an ended session is refused
 * on its next request, Bearer and cookie alike, on every instance.
 */
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const MY_SESSIONS = '{ mySessions { id createdAt lastSeenAt expiresAt userAgent address current } }';
const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code ?? 'OK';

interface SessionJson {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  address: string | null;
  current: boolean;
}

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer({ jwtExpiresInSeconds: 3600 });
  adminToken = await login(server, (await makeAdmin(server)).email);
});
afterAll(() => server?.close());

async function signInFrom(email: string, userAgent: string): Promise<string> {
  const res = await server.gql<{ login: { token: string } }>(LOGIN, { email, password: DEFAULT_PASSWORD }, undefined, { 'user-agent': userAgent });
  expect(res.errors).toBeUndefined();
  return res.data!.login.token;
}

const sessionsOf = async (token: string) => (await server.gql<{ mySessions: SessionJson[] }>(MY_SESSIONS, {}, token)).data!.mySessions;

describe('mySessions', () => {
  it('lists where you are signed in, newest first, with the device and address, the asking one marked current', async () => {
    const user = await makeUser(server);
    const laptop = await signInFrom(user.email, 'Firefox on a laptop');
    const phone = await signInFrom(user.email, 'Safari on a phone');
    const fromPhone = await sessionsOf(phone);
    expect(fromPhone.map((s) => [s.userAgent, s.current])).toEqual([
      ['Safari on a phone', true],
      ['Firefox on a laptop', false],
    ]);
    expect(fromPhone[0]).toMatchObject({ address: '127.0.0.1' });
    expect(Date.parse(fromPhone[0]!.expiresAt) - Date.parse(fromPhone[0]!.createdAt)).toBeCloseTo(3600_000, -4);
    expect((await sessionsOf(laptop)).map((s) => s.current)).toEqual([false, true]);
  });
});

describe('revokeSession', () => {
  it('ends one of your sessions: its token is refused on its next request, yours still works', async () => {
    const user = await makeUser(server);
    const other = await signInFrom(user.email, 'the lost phone');
    const mine = await signInFrom(user.email, 'my laptop');
    const lost = (await sessionsOf(mine)).find((s) => !s.current)!;
    expect((await server.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: lost.id }, mine)).data).toEqual({ revokeSession: true });
    expect(code(await server.gql('{ me { id } }', {}, other))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql('{ me { id } }', {}, mine))).toBe('OK');
    expect((await sessionsOf(mine)).map((s) => s.userAgent)).toEqual(['my laptop']);
  });

  it("answers NOT_FOUND for a session that is someone else's (unless you are an admin), ended, or unknown", async () => {
    const alice = await makeUser(server);
    const bob = await makeUser(server);
    const aliceToken = await login(server, alice.email);
    const bobToken = await login(server, bob.email);
    const bobsSession = (await sessionsOf(bobToken))[0]!.id;
    for (const id of [bobsSession, '999999']) {
      const res = await server.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id }, aliceToken);
      expect(res.errors?.[0]).toMatchObject({ message: 'The session with this id does not exist in the system', extensions: { code: 'NOT_FOUND' } });
    }
    expect(code(await server.gql('{ me { id } }', {}, bobToken))).toBe('OK');
    // An admin may end anyone's.
    expect(code(await server.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: bobsSession }, adminToken))).toBe('OK');
    expect(code(await server.gql('{ me { id } }', {}, bobToken))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: bobsSession }, adminToken))).toBe('NOT_FOUND');
  });
});

describe('revokeUserSessions and userSessions', () => {
  it('sign a user out everywhere (an admin, or the user themselves) and say how many sessions ended', async () => {
    const user = await makeUser(server);
    const tokens = [await login(server, user.email), await login(server, user.email)];
    const listed = await server.gql<{ userSessions: SessionJson[] }>('query($u: ID!) { userSessions(userId: $u) { id current } }', { u: String(user.id) }, adminToken);
    expect(listed.data!.userSessions.map((s) => s.current)).toEqual([false, false]);
    expect((await server.gql('mutation($u: ID!) { revokeUserSessions(userId: $u) }', { u: String(user.id) }, adminToken)).data).toEqual({ revokeUserSessions: 2 });
    for (const token of tokens) expect(code(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');

    const again = await login(server, user.email);
    expect((await server.gql('mutation($u: ID!) { revokeUserSessions(userId: $u) }', { u: String(user.id) }, again)).data).toEqual({ revokeUserSessions: 1 });
    expect(code(await server.gql('{ me { id } }', {}, again))).toBe('UNAUTHENTICATED');
  });

  it("is refused to a USER for anyone else's sessions", async () => {
    const user = await makeUser(server);
    const other = await makeUser(server);
    const token = await login(server, user.email);
    expect(code(await server.gql('mutation($u: ID!) { revokeUserSessions(userId: $u) }', { u: String(other.id) }, token))).toBe('FORBIDDEN');
    expect(code(await server.gql('query($u: ID!) { userSessions(userId: $u) { id } }', { u: String(user.id) }, token))).toBe('FORBIDDEN');
  });
});

describe('what else ends a session', () => {
  it('a password change ends every session of the user, on the next request', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { password: "a whole new password" }) { id } }', { id: String(user.id) }, adminToken);
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
    const fresh = await login(server, user.email, 'a whole new password');
    expect((await sessionsOf(fresh)).length).toBe(1);
  });

  it('deleting the user takes their sessions with them', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    await server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id: String(user.id) }, adminToken);
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
    const left = await server.db.database.orm.em.getConnection().execute(`select count(*)::int as "n" from "sessions" where "user_id" = ?`, [user.id]);
    expect(left).toEqual([{ n: 0 }]);
  });

  it('a session ended by a write straight to the database (psql, the CLI, another instance) is refused on its next request', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('OK'); // now in the cache
    await server.db.database.orm.em.getConnection().execute(`update "sessions" set "ended_at" = now() where "user_id" = ?`, [user.id]);
    await expect.poll(async () => code(await server.gql('{ me { id } }', {}, token)), { timeout: 2_000, interval: 20 }).toBe('UNAUTHENTICATED');
  });
});

describe('the per-request check', () => {
  it('costs no statement for a session seen before, and records lastSeenAt at most once a minute', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const me = () => server.gql('{ me { id } }', {}, token);
    await me();
    const cached = await server.countStatements(me);
    server.services.actors.changed('all');
    expect(await server.countStatements(me)).toBe(cached + 1);

    const seen = async () => (await server.db.database.orm.em.getConnection().execute<{ at: string }[]>(`select "last_seen_at" as "at" from "sessions" where "user_id" = ?`, [user.id]))[0]!.at;
    const first = await seen();
    await me();
    expect(await seen()).toEqual(first);
    // A minute later (the cache forgets it, as it would after its own minute), the next request records the time.
    await server.db.database.orm.em.getConnection().execute(`update "sessions" set "last_seen_at" = now() - interval '2 minutes' where "user_id" = ?`, [user.id]);
    server.services.actors.changed([user.id]);
    const old = await seen();
    await me();
    await expect.poll(async () => Date.parse(await seen()) > Date.parse(old), { timeout: 2_000, interval: 20 }).toBe(true);
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

  it('a session ended on one instance is refused on the other as soon as the notification arrives', async () => {
    const user = await makeUser(a);
    const token = await login(a, user.email);
    expect(code(await a.gql('{ me { id } }', {}, token))).toBe('OK'); // held by A
    expect(code(await b.gql('mutation { logout }', {}, token))).toBe('OK'); // ended on B
    expect(code(await b.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
    await expect.poll(async () => code(await a.gql('{ me { id } }', {}, token)), { timeout: 2_000, interval: 10 }).toBe('UNAUTHENTICATED');
  });
});
