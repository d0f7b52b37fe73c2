import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The sign-in defences of README: Security, each against the attack it stops. Every test here
 * reproduces an attack that worked before the defence.
 */
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code ?? 'OK';

function tally(codes: string[]): Record<string, number> {
  return codes.reduce<Record<string, number>>((counts, c) => ({ ...counts, [c]: (counts[c] ?? 0) + 1 }), {});
}

describe('a burst of guesses at one email', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A real bcrypt cost, so that the guesses are all in flight together, as they are in an attack.
    server = await startTestServer({ bcryptRounds: 10, loginLimits: { perEmail: 10, perSource: 10_000 } });
  });
  afterAll(() => server?.close());

  it('checks no more than the limit: of 200 wrong passwords at once, 10 are answered UNAUTHENTICATED, the rest TOO_MANY_REQUESTS', async () => {
    const victim = await makeUser(server);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => server.gql(LOGIN, { email: victim.email, password: `wrong guess ${i}` })));
    expect(tally(answers.map(code))).toEqual({ UNAUTHENTICATED: 10, TOO_MANY_REQUESTS: 190 });
    // Locked out now: the right password is refused too.
    expect(code(await server.gql(LOGIN, { email: victim.email, password: DEFAULT_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
  });

  it('gives no token to a right password that arrives while the burst is being checked', async () => {
    const victim = await makeUser(server);
    const burst = Array.from({ length: 60 }, (_, i) => server.gql(LOGIN, { email: victim.email, password: `wrong guess ${i}` }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const right = await server.gql(LOGIN, { email: victim.email, password: DEFAULT_PASSWORD });
    expect(code(right)).toBe('TOO_MANY_REQUESTS');
    expect(right.data?.login?.token).toBeUndefined();
    expect(tally((await Promise.all(burst)).map(code)).UNAUTHENTICATED).toBe(10);
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  let proxied: TestServer;
  let direct: TestServer;
  beforeAll(async () => {
    const loginLimits = { perEmail: 10, perSource: 20 };
    [proxied, direct] = await Promise.all([startTestServer({ loginLimits, trustProxy: ['loopback'] }), startTestServer({ loginLimits })]);
  });
  afterAll(() => Promise.all([proxied?.close(), direct?.close()]));

  const from = (address: string) => ({ 'x-forwarded-for': `${address}, 127.0.0.1` });

  it('slows the one address that sprays guesses across many emails, and nobody else', async () => {
    const colleague = await makeUser(proxied);
    for (let i = 0; i < 20; i++) {
      expect(code(await proxied.gql(LOGIN, { email: `sprayed-${i}@example.com`, password: 'a guess 123' }, undefined, from('203.0.113.5')))).toBe('UNAUTHENTICATED');
    }
    const sprayer = await proxied.gql(LOGIN, { email: colleague.email, password: DEFAULT_PASSWORD }, undefined, from('203.0.113.5'));
    expect(code(sprayer)).toBe('TOO_MANY_REQUESTS');
    expect(sprayer.errors?.[0]?.message).toMatch(/from your network address/);
    // Another person behind the same proxy signs in as usual.
    expect(code(await proxied.gql(LOGIN, { email: colleague.email, password: DEFAULT_PASSWORD }, undefined, from('198.51.100.7')))).toBe('OK');
  });

  it('records the sign-in with the client address, the right-most one not itself a trusted proxy', async () => {
    const user = await makeUser(proxied);
    const token = (await proxied.gql<{ login: { token: string } }>(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }, undefined, { 'x-forwarded-for': '10.9.9.9, 192.0.2.44, 127.0.0.1' })).data!.login.token;
    const sessions = await proxied.gql('{ mySessions { address } }', {}, token);
    expect(sessions.data!.mySessions).toEqual([{ address: '192.0.2.44' }]);
  });

  it('without TRUST_PROXY, believes no X-Forwarded-For: a forged one does not escape the limit', async () => {
    const colleague = await makeUser(direct);
    for (let i = 0; i < 20; i++) {
      await direct.gql(LOGIN, { email: `forged-${i}@example.com`, password: 'a guess 123' }, undefined, from(`198.51.100.${i}`));
    }
    expect(code(await direct.gql(LOGIN, { email: colleague.email, password: DEFAULT_PASSWORD }, undefined, from('192.0.2.200')))).toBe('TOO_MANY_REQUESTS');
    // An operator lets the address sign in again (./scripts/user unlock --address does this).
    expect(await direct.services.users.unlockAddress(direct.system(), '127.0.0.1')).toBe(20);
    expect(code(await direct.gql(LOGIN, { email: colleague.email, password: DEFAULT_PASSWORD }))).toBe('OK');
  });
});

describe('the other ways a secret is guessed', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ loginLimits: { perEmail: 3, perSource: 10_000 } });
    admin = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  const UPDATE_ME = 'mutation($input: UpdateMeInput!) { updateMe(input: $input) { id } }';

  it('updateMe with a wrong current password is a failed sign-in: audited, and throttled like one', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    for (let i = 0; i < 3; i++) {
      const wrong = await server.gql(UPDATE_ME, { input: { password: 'a new passphrase', currentPassword: `guess number ${i}` } }, token);
      expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { currentPassword: 'is incorrect' } });
    }
    // The stolen session cannot go on guessing, even with the right one.
    expect(code(await server.gql(UPDATE_ME, { input: { password: 'a new passphrase', currentPassword: DEFAULT_PASSWORD } }, token))).toBe('TOO_MANY_REQUESTS');
    // Nor can anyone sign in as them meanwhile.
    expect(code(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    const audit = await server.gql('query($id: ID) { auditLog(targetId: $id, action: "login.failure") { items { actorLabel changes } } }', { id: String(user.id) }, admin);
    expect(audit.data!.auditLog.items).toEqual(Array.from({ length: 3 }, () => ({ actorLabel: user.email, changes: { with: 'current password' } })));
  });

  it('never stores or logs what was typed into the email field unless it is an email address', async () => {
    const typed = 'Tr0ub4dor&3-typed-in-the-wrong-field';
    expect(code(await server.gql(LOGIN, { email: typed, password: 'anything at all' }))).toBe('UNAUTHENTICATED');
    const audit = await server.gql('{ auditLog(action: "login.failure") { items { actorLabel } } }', {}, admin);
    expect(audit.data!.auditLog.items[0]).toEqual({ actorLabel: '(not an email address)' });
    const stored = await server.db.database.orm.em.getConnection().execute(
      `select (select count(*) from "audit_events" where "actor_label" like ? or "changes"::text like ?)::int as "audit",
              (select count(*) from "login_failures" where "email" like ?)::int as "failures"`,
      [`%${typed}%`, `%${typed}%`, `%${typed}%`],
    );
    expect(stored).toEqual([{ audit: 0, failures: 0 }]);
  });

  it('refuses names and titles with control characters, which would forge lines in logs and emails', async () => {
    const client = await makeClient(server);
    const user = await server.gql('mutation { createUser(input: { name: "Ada\\n2026-12-01 info forged", email: "forge@example.com", password: "a long passphrase" }) { id } }', {}, admin);
    expect(user.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { name: expect.stringMatching(/control characters/) } });
    const renamed = await server.gql('mutation($id: ID!) { updateClient(id: $id, input: { name: "Acme\\tInc" }) { id } }', { id: String(client.id) }, admin);
    expect(renamed.errors?.[0]?.extensions.fields).toEqual({ name: expect.stringMatching(/control characters/) });
    const ticket = await server.gql('mutation($c: ID!) { createTicket(input: { clientId: $c, title: "Fix\\r\\nSubject: spoofed" }) { id } }', { c: String(client.id) }, admin);
    expect(ticket.errors?.[0]?.extensions.fields).toEqual({ title: expect.stringMatching(/control characters/) });
  });

  it('logout ends the session: the same Bearer token is refused on its next request', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('OK');
    expect((await server.gql('mutation { logout }', {}, token)).data).toEqual({ logout: true });
    const after = await server.gql('{ me { id } }', {}, token);
    expect(after.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('computes the cost limit with the variables: what a literal limit may not ask for, a variable may not either', async () => {
    const page = (alias: string, limit: string) => `${alias}: users(limit: ${limit}) { total items { id name email roles clients { id name } } }`;
    const literal = await server.gql(`{ ${Array.from({ length: 6 }, (_, i) => page(`p${i}`, '1000')).join(' ')} }`, {}, admin);
    expect(literal.status).toBe(400);
    expect(code(literal)).toBe('GRAPHQL_VALIDATION_FAILED');
    const variables = await server.gql(`query($n: Int) { ${Array.from({ length: 6 }, (_, i) => page(`p${i}`, '$n')).join(' ')} }`, { n: 1000 }, admin);
    expect(variables.status).toBe(400);
    expect(variables.errors?.[0]).toEqual({ message: literal.errors![0]!.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    // A variable's default and the argument's own default count the same way.
    const defaulted = await server.gql(`query($n: Int = 1000) { ${Array.from({ length: 6 }, (_, i) => page(`p${i}`, '$n')).join(' ')} }`, {}, admin);
    expect(code(defaulted)).toBe('GRAPHQL_VALIDATION_FAILED');
    const small = await server.gql(`query($n: Int) { ${Array.from({ length: 6 }, (_, i) => page(`p${i}`, '$n')).join(' ')} }`, { n: 10 }, admin);
    expect(code(small)).toBe('OK');
  });
});
