import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/auth/totp.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Two-factor authentication (schema.graphql: TotpEnrollment, startTotpEnrollment,
 * confirmTotpEnrollment, disableTwoFactor, resetTwoFactor, verifyTwoFactor, User.twoFactorEnabled):
 * with codes computed from the secret as an authenticator app would.
 */
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const VERIFY = 'mutation($c: String!, $code: String!) { verifyTwoFactor(challenge: $c, code: $code) { token user { id twoFactorEnabled } } }';
const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code ?? 'OK';

let server: TestServer;
let adminToken: string;
beforeAll(async () => {
  server = await startTestServer({ loginLimits: { perEmail: 5, perSource: 1000 } });
  adminToken = await login(server, (await makeAdmin(server)).email);
});
afterAll(() => server?.close());

/** A signed-in user with two-factor on: their email, secret, recovery codes and a session token. */
async function enrolled(at = Date.now()) {
  const user = await makeUser(server);
  const token = await login(server, user.email);
  const started = await server.gql('mutation { startTotpEnrollment { secret otpauthUrl } }', {}, token);
  const secret: string = started.data!.startTotpEnrollment.secret;
  const confirmed = await server.gql('mutation($c: String!) { confirmTotpEnrollment(code: $c) }', { c: totpCode(secret, at) }, token);
  expect(confirmed.errors).toBeUndefined();
  return { user, secret, recoveryCodes: confirmed.data!.confirmTotpEnrollment as string[], token };
}

/** The challenge of a sign-in with the right password of a user with two-factor on. */
async function challengeFor(email: string): Promise<string> {
  const res = await server.gql(LOGIN, { e: email, p: DEFAULT_PASSWORD });
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'TWO_FACTOR_REQUIRED', challenge: expect.any(String) });
  return res.errors![0]!.extensions.challenge as string;
}

describe('enrolment', () => {
  it('gives a secret and its otpauth URL, and takes effect only once a current code confirms it', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const started = await server.gql('mutation { startTotpEnrollment { secret otpauthUrl } }', {}, token);
    const { secret, otpauthUrl } = started.data!.startTotpEnrollment;
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect(otpauthUrl).toContain(`secret=${secret}`);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Tracker%20System:/);
    // Not yet: signing in still needs the password alone.
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('OK');
    const wrong = await server.gql('mutation { confirmTotpEnrollment(code: "000000") }', {}, token);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { code: expect.any(String) } });
    const confirmed = await server.gql('mutation($c: String!) { confirmTotpEnrollment(code: $c) }', { c: totpCode(secret) }, token);
    expect(confirmed.data!.confirmTotpEnrollment).toHaveLength(10);
    expect((await server.gql('{ me { twoFactorEnabled } }', {}, token)).data).toEqual({ me: { twoFactorEnabled: true } });
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('TWO_FACTOR_REQUIRED');
  });

  it('keeps the secret encrypted and the recovery codes hashed: the database alone gives away neither', async () => {
    const { user, secret, recoveryCodes } = await enrolled();
    const rows = await server.db.database.orm.em.getConnection().execute(
      `select "totp_secret", (select string_agg("code_hash", ',') from "recovery_codes" where "user_id" = u."id") as "hashes" from "users" u where u."id" = ?`,
      [user.id],
    );
    expect(rows[0].totp_secret).toMatch(/^v1\./);
    expect(rows[0].totp_secret).not.toContain(secret);
    for (const recovery of recoveryCodes) expect(rows[0].hashes).not.toContain(recovery.replace(/-/g, ''));
  });
});

describe('signing in with two-factor', () => {
  it('asks for a code after the right password, and signs in with a current one', async () => {
    const { user, secret } = await enrolled(Date.now() - 30_000);
    const challenge = await challengeFor(user.email);
    const done = await server.gql(VERIFY, { c: challenge, code: totpCode(secret) });
    expect(done.data!.verifyTwoFactor.user).toEqual({ id: String(user.id), twoFactorEnabled: true });
    expect(code(await server.gql('{ me { id } }', {}, done.data!.verifyTwoFactor.token))).toBe('OK');
    // The challenge was for that sign-in only.
    expect(code(await server.gql(VERIFY, { c: challenge, code: totpCode(secret) }))).toBe('UNAUTHENTICATED');
    // A wrong password says nothing of a second factor.
    expect(code(await server.gql(LOGIN, { e: user.email, p: 'not the password' }))).toBe('UNAUTHENTICATED');
  });

  it('accepts a code of one time step once: the same code again is refused', async () => {
    const { user, secret } = await enrolled(Date.now() - 30_000);
    const now = totpCode(secret);
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: now }))).toBe('OK');
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: now }))).toBe('UNAUTHENTICATED');
  });

  it("accepts the codes of the steps before and after the server's clock, and no further", async () => {
    const { user, secret } = await enrolled();
    // As if the last code used was minutes ago: every step near now is unused.
    await server.db.database.orm.em.getConnection().execute(`update "users" set "totp_last_step" = "totp_last_step" - 10 where "id" = ?`, [user.id]);
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: totpCode(secret, Date.now() - 90_000) }))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: totpCode(secret, Date.now() - 30_000) }))).toBe('OK');
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: totpCode(secret, Date.now() + 30_000) }))).toBe('OK');
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: totpCode(secret, Date.now() + 90_000) }))).toBe('UNAUTHENTICATED');
  });

  it('takes an unused recovery code instead, once, and audits it', async () => {
    const { user, recoveryCodes } = await enrolled();
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: recoveryCodes[3]!.toUpperCase() }))).toBe('OK');
    expect(code(await server.gql(VERIFY, { c: await challengeFor(user.email), code: recoveryCodes[3]! }))).toBe('UNAUTHENTICATED');
    const log = await server.gql('query($id: ID) { auditLog(targetId: $id, action: "two-factor.recovery-code") { items { changes } } }', { id: String(user.id) }, adminToken);
    expect(log.data!.auditLog.items).toEqual([{ changes: { recoveryCodes: '9 left' } }]);
  });

  it('counts wrong codes as failed sign-ins: a known password does not buy more guesses, and the lockout holds for a right code too', async () => {
    const { user, secret } = await enrolled();
    // Each round signs in with the right password again and guesses one code: the count goes on.
    for (let i = 0; i < 5; i++) {
      const challenge = await challengeFor(user.email);
      expect(code(await server.gql(VERIFY, { c: challenge, code: '123456' === totpCode(secret) ? '654321' : '123456' }))).toBe('UNAUTHENTICATED');
    }
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    const failures = await server.gql('query($id: ID) { auditLog(targetId: $id, action: "two-factor.failure") { total } }', { id: String(user.id) }, adminToken);
    expect(failures.data!.auditLog.total).toBe(5);
  });

  it('refuses a challenge that has expired, or that never was', async () => {
    const { user, secret } = await enrolled(Date.now() - 30_000);
    const challenge = await challengeFor(user.email);
    await server.db.database.orm.em.getConnection().execute(`update "two_factor_challenges" set "expires_at" = now() - interval '1 second' where "user_id" = ?`, [user.id]);
    const expired = await server.gql(VERIFY, { c: challenge, code: totpCode(secret) });
    expect(expired.errors?.[0]).toMatchObject({ message: 'This sign-in has expired or was completed: sign in again', extensions: { code: 'UNAUTHENTICATED' } });
    expect(code(await server.gql(VERIFY, { c: 'x'.repeat(43), code: totpCode(secret) }))).toBe('UNAUTHENTICATED');
  });
});

describe('turning it off', () => {
  it('takes the password for one’s own (a wrong one is refused and counted), and an admin may reset anyone’s', async () => {
    const { user, token } = await enrolled();
    const wrong = await server.gql('mutation { disableTwoFactor(password: "not my password") }', {}, token);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { password: 'is incorrect' } });
    expect((await server.gql('mutation($p: String!) { disableTwoFactor(password: $p) }', { p: DEFAULT_PASSWORD }, token)).data).toEqual({ disableTwoFactor: true });
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('OK');

    const other = await enrolled();
    expect(code(await server.gql('mutation($u: ID!) { resetTwoFactor(userId: $u) { id } }', { u: String(other.user.id) }, other.token))).toBe('FORBIDDEN');
    const reset = await server.gql('mutation($u: ID!) { resetTwoFactor(userId: $u) { twoFactorEnabled } }', { u: String(other.user.id) }, adminToken);
    expect(reset.data).toEqual({ resetTwoFactor: { twoFactorEnabled: false } });
    expect(code(await server.gql(LOGIN, { e: other.user.email, p: DEFAULT_PASSWORD }))).toBe('OK');
    const audit = await server.gql('query($id: ID) { auditLog(targetId: $id) { items { action } } }', { id: String(other.user.id) }, adminToken);
    expect(audit.data!.auditLog.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['two-factor.enable', 'two-factor.reset']));
  });
});

describe('TWO_FACTOR_REQUIRED_FOR=admin', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ twoFactorRequiredFor: 'admin' });
  });
  afterAll(() => strict?.close());

  it('lets an admin without two-factor sign in and set it up, and do nothing else until then', async () => {
    const admin = await makeAdmin(strict);
    const token = await login(strict, admin.email);
    const refused = await strict.gql('{ users { total } }', {}, token);
    expect(refused.errors?.[0]).toMatchObject({ message: 'Set up two-factor authentication first', extensions: { code: 'FORBIDDEN' } });
    expect(code(await strict.gql('{ clients { id } }', {}, token))).toBe('FORBIDDEN');
    expect(code(await strict.gql('{ me { id } }', {}, token))).toBe('OK');
    const started = await strict.gql('mutation { startTotpEnrollment { secret } }', {}, token);
    expect(code(await strict.gql('mutation($c: String!) { confirmTotpEnrollment(code: $c) }', { c: totpCode(started.data!.startTotpEnrollment.secret) }, token))).toBe('OK');
    expect(code(await strict.gql('{ users { total } }', {}, token))).toBe('OK');
    // A USER is not asked.
    const user = await makeUser(strict);
    expect(code(await strict.gql('{ clients { id } }', {}, await login(strict, user.email)))).toBe('OK');
    expect(code(await strict.gql('mutation { logout }', {}, token))).toBe('OK');
  });
});
