import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Password guessing: lockouts per email and per network address, growing, and lifted by an admin. */
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code;

describe('lockouts', () => {
  let server: TestServer;
  let adminToken: string;
  beforeAll(async () => {
    server = await startTestServer({ loginLimits: { perEmail: 3, perSource: 1000 } });
    adminToken = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  const fail = (email: string) => server.gql(LOGIN, { email, password: 'not the password' });

  it('lock an email out after its failures, refuse even the right password, and say when to retry', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < 3; i++) expect(code(await fail(user.email))).toBe('UNAUTHENTICATED');
    const refused = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'TOO_MANY_REQUESTS' } });
    expect(refused.errors?.[0]?.message).toMatch(/^Too many failed sign-in attempts for this email; try again in 15 minutes$/);
    expect(refused.errors?.[0]?.extensions.retryAfter).toBeGreaterThan(890);
    const shown = await server.gql('query($id: ID!) { user(id: $id) { lockedUntil } }', { id: String(user.id) }, adminToken);
    expect(Date.parse(shown.data!.user.lockedUntil) - Date.now()).toBeGreaterThan(14 * 60_000);
  });

  it('make each further lockout within a day twice as long', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < 3; i++) await fail(user.email);
    // The first lockout runs out…
    await server.db.database.orm.em.getConnection().execute(`update login_lockouts set locked_until = now() - interval '1 second' where key = ?`, [`email:${user.email}`]);
    expect(code(await fail(user.email))).toBe('UNAUTHENTICATED');
    await fail(user.email);
    await fail(user.email);
    // …and the next one lasts 30 minutes.
    const refused = await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    expect(refused.errors?.[0]?.extensions.retryAfter).toBeGreaterThan(29 * 60);
    expect(refused.errors?.[0]?.message).toContain('try again in 30 minutes');
  });

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

  it('shows lockedUntil only to admins and the user themselves', async () => {
    const { user, token } = await signedIn(server);
    const own = await server.gql('{ me { lockedUntil } }', {}, token);
    expect(own.data).toEqual({ me: { lockedUntil: null } });
    expect(own.errors).toBeUndefined();
    expect(user.id).toBeGreaterThan(0);
  });
});

describe('lockouts per network address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ loginLimits: { perEmail: 100, perSource: 4 } });
  });
  afterAll(() => server?.close());

  it('stop password spraying across many emails from one address', async () => {
    const target = await makeUser(server);
    for (let i = 0; i < 4; i++) expect(code(await server.gql(LOGIN, { email: `sprayed-${i}@example.com`, password: 'guess-guess' }))).toBe('UNAUTHENTICATED');
    const refused = await server.gql(LOGIN, { email: target.email, password: DEFAULT_PASSWORD });
    expect(code(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.errors?.[0]?.message).toContain('from your network address');
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
