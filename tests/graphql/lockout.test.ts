import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Sign-in lockouts over HTTP (README: Security, "Sign-in throttling"; schema.graphql: unlockUser,
 * User.lockedUntil): unlockUser is for admins and answers with lockedUntil null, lockedUntil is
 * shown to the user themselves, and a failed login costs as much for an unknown email as for a
 * known one. The throttle itself (per email, per network address, growing lockouts, unlocking) is
 * specified on the services: tests/services/login-throttle.test.ts.
 */
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code;

describe('lockouts over the API', () => {
  let server: TestServer;
  let adminToken: string;
  beforeAll(async () => {
    server = await startTestServer({ loginLimits: { perEmail: 3, perSource: 1000 } });
    adminToken = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  const fail = (email: string) => server.gql(LOGIN, { email, password: 'not the password' });

  it('can be lifted by an admin with unlockUser, after which the right password works at once', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < 3; i++) await fail(user.email);
    expect(code(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('TOO_MANY_REQUESTS');

    const { token: userToken } = await signedIn(server);
    expect(code(await server.gql('mutation($id: ID!) { unlockUser(id: $id) { id } }', { id: String(user.id) }, userToken))).toBe('FORBIDDEN');
    const unlocked = await server.gql('mutation($id: ID!) { unlockUser(id: $id) { id lockedUntil } }', { id: String(user.id) }, adminToken);
    expect(unlocked.data).toEqual({ unlockUser: { id: String(user.id), lockedUntil: null } });
    expect(code(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBeUndefined();
    expect(code(await server.gql('mutation { unlockUser(id: "999999") { id } }', {}, adminToken))).toBe('NOT_FOUND');
  });

  it('shows the lockouts of a whole page of users (the console lists them) for one statement more, however long the page', async () => {
    const locked = await makeUser(server);
    for (let i = 0; i < 3; i++) await fail(locked.email);
    for (let i = 0; i < 30; i++) await makeUser(server);
    const page = (limit: number, withLockouts: boolean) => () =>
      server.gql(`query($l: Int) { users(limit: $l) { items { id ${withLockouts ? 'lockedUntil' : ''} } } }`, { l: limit }, adminToken);
    const listed = await server.gql<{ users: { items: { id: string; lockedUntil: string | null }[] } }>('{ users(limit: 1000) { items { id lockedUntil } } }', {}, adminToken);
    expect(listed.data!.users.items.filter((u) => u.lockedUntil !== null).map((u) => u.id)).toEqual([String(locked.id)]);
    await page(5, true)();
    const [few, many, plain] = [await server.countStatements(page(5, true)), await server.countStatements(page(30, true)), await server.countStatements(page(30, false))];
    expect(many).toBe(few);
    expect(many).toBe(plain + 1);
  });

  it('shows lockedUntil only to admins and the user themselves', async () => {
    const { user, token } = await signedIn(server);
    const own = await server.gql('{ me { lockedUntil } }', {}, token);
    expect(own.data).toEqual({ me: { lockedUntil: null } });
    expect(own.errors).toBeUndefined();
    expect(user.id).toBeGreaterThan(0);
  });
});

describe('timing', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A realistic cost, so that hashing dominates as it does in production.
    server = await startTestServer({ bcryptRounds: 10, loginLimits: { perEmail: 1000, perSource: 1000 } });
  });
  afterAll(() => server?.close());

  it('makes a failed login for an unknown email cost the same as one for a known email', async () => {
    const known = await makeUser(server);
    const time = async (email: string) => {
      const started = performance.now();
      expect(code(await server.gql(LOGIN, { email, password: 'wrong password' }))).toBe('UNAUTHENTICATED');
      return performance.now() - started;
    };
    await time(known.email);
    await time('warm-up@example.com');
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 8; i++) {
      knownTimes.push(await time(known.email));
      unknownTimes.push(await time(`nobody-${i}@example.com`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [k, u] = [median(knownTimes), median(unknownTimes)];
    console.log(`failed login, median of 8: known email ${k.toFixed(1)} ms, unknown email ${u.toFixed(1)} ms`);
    // Both are dominated by one bcrypt verification at the same cost; without the stand-in hash an
    // unknown email would answer in a few milliseconds.
    expect(Math.abs(k - u) / Math.max(k, u)).toBeLessThan(0.35);
    expect(u).toBeGreaterThan(10);
  });
});
