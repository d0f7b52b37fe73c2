import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startMailingTestServer, type MailingTestServer } from '../support/mailing-server.js';
import { spawnServer, tempDataDir } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ReceivedEmail, TestSmtpServer } from '../support/smtp.js';

/**
 * The account lifecycle (schema.graphql: UserStatus, inviteUser, resendInvitation,
 * acceptInvitation, requestPasswordReset, resetPassword, suspendUser, reactivateUser): emails
 * through the outbox to a real SMTP server, links used once, expiring, superseded, kept only as
 * hashes; suspension ending sessions at once.
 */
let mailing: MailingTestServer;
let server: TestServer;
let smtp: TestSmtpServer;
let admin: { id: number; email: string; name: string };
let adminToken: string;

beforeAll(async () => {
  mailing = await startMailingTestServer();
  ({ server, smtp } = mailing);
  admin = await makeAdmin(server, { name: 'Grace Admin', notificationPreferences: { email: false, ui: false } });
  adminToken = await login(server, admin.email);
});
afterAll(() => mailing?.close());

const code = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code ?? 'OK';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const INVITE = 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id email status roles clients { name } } }';
const ACCEPT = 'mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token user { id status } } }';
const RESET = 'mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }';
const REQUEST_RESET = 'mutation($e: String!) { requestPasswordReset(email: $e) }';

/** The email that arrives for `to` after the `seen`th one, and the token of its link to `page`. */
async function nextEmailFor(to: string, page: 'accept-invite' | 'reset-password'): Promise<{ email: ReceivedEmail; token: string }> {
  const before = smtp.received.filter((e) => e.to.includes(to)).length;
  await expect.poll(() => smtp.received.filter((e) => e.to.includes(to)).length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(before);
  const email = smtp.received.filter((e) => e.to.includes(to)).at(-1)!;
  const match = new RegExp(`http://console\\.test/${page}\\?token=([A-Za-z0-9_-]+)`).exec(email.text);
  expect(match, email.text).not.toBeNull();
  return { email, token: match![1]! };
}

async function invite(email: string, extra: Record<string, unknown> = {}) {
  const res = await server.gql(INVITE, { input: { name: 'Invited Person', email, ...extra } }, adminToken);
  expect(res.errors).toBeUndefined();
  return { user: res.data!.inviteUser, ...(await nextEmailFor(email, 'accept-invite')) };
}

describe('an invitation', () => {
  it('makes an INVITED user and emails them a link to choose a password, in text and in HTML, saying who invited them to what', async () => {
    const client = await makeClient(server, 'Acme Invitations');
    const res = await server.gql(INVITE, { input: { name: 'Ada Invited', email: 'ada.invited@example.com', clientIds: [String(client.id)] } }, adminToken);
    expect(res.data!.inviteUser).toMatchObject({ email: 'ada.invited@example.com', status: 'INVITED', roles: ['USER'], clients: [{ name: 'Acme Invitations' }] });
    const { email, token } = await nextEmailFor('ada.invited@example.com', 'accept-invite');
    expect(email.subject).toBe('Grace Admin invited you to the Tracker System');
    expect(email.text).toContain('Hello Ada Invited,');
    expect(email.text).toContain('as a user with access to Acme Invitations');
    expect(email.text).toContain('for 72 hours');
    expect(email.html).toContain(`http://console.test/accept-invite?token=${token}`);
    // Readable on a phone, and nothing fetched from elsewhere.
    expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(email.html).not.toMatch(/<(img|link|script)\b|src=|@import/i);
  });

  it('keeps only the hash of the link, and forgets the link once the email is sent', async () => {
    const { user, token } = await invite('hashed@example.com');
    const db = server.db.database.orm.em.getConnection();
    const stored = await db.execute(`select (select count(*) from "user_links" where "user_id" = ? and "token_hash" <> ?)::int as "hashed",
              (select count(*) from "outbox_emails" where "text" like ? or "html" like ? or "link" like ?)::int as "kept"`, [Number(user.id), token, `%${token}%`, `%${token}%`, `%${token}%`]);
    expect(stored).toEqual([{ hashed: 1, kept: 0 }]);
  });

  it('lets the person choose a password, which makes them ACTIVE and signs them in', async () => {
    const { token } = await invite('accepts@example.com');
    expect(code(await server.gql(LOGIN, { e: 'accepts@example.com', p: 'any password at all' }))).toBe('UNAUTHENTICATED');
    const accepted = await server.gql(ACCEPT, { t: token, p: 'my own passphrase' });
    expect(accepted.data!.acceptInvitation.user.status).toBe('ACTIVE');
    expect(code(await server.gql('{ me { email } }', {}, accepted.data!.acceptInvitation.token))).toBe('OK');
    expect(code(await server.gql(LOGIN, { e: 'accepts@example.com', p: 'my own passphrase' }))).toBe('OK');
  });

  it('leaves an INVITED user unable to sign in, with the usual answer', async () => {
    await invite('not-yet@example.com');
    const res = await server.gql(LOGIN, { e: 'not-yet@example.com', p: 'a guess at nothing' });
    expect(res.errors?.[0]).toMatchObject({ message: 'Incorrect email or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('is refused once used, once expired, and once superseded by a newer one; a bad password uses nothing', async () => {
    const refusedAsInvalid = (res: { errors?: { extensions: Record<string, unknown> }[] }) =>
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { token: 'This link is invalid or has expired' } });

    const used = await invite('used-link@example.com');
    expect(code(await server.gql(ACCEPT, { t: used.token, p: 'short' }))).toBe('BAD_USER_INPUT'); // the password, not the link
    expect(code(await server.gql(ACCEPT, { t: used.token, p: 'a good passphrase' }))).toBe('OK');
    refusedAsInvalid(await server.gql(ACCEPT, { t: used.token, p: 'a good passphrase' }));

    const expired = await invite('expired-link@example.com');
    await server.db.database.orm.em.getConnection().execute(`update "user_links" set "expires_at" = now() - interval '1 second' where "user_id" = ?`, [Number(expired.user.id)]);
    refusedAsInvalid(await server.gql(ACCEPT, { t: expired.token, p: 'a good passphrase' }));

    const first = await invite('superseded@example.com');
    expect((await server.gql('mutation($u: ID!) { resendInvitation(userId: $u) }', { u: first.user.id }, adminToken)).data).toEqual({ resendInvitation: true });
    const second = await nextEmailFor('superseded@example.com', 'accept-invite');
    refusedAsInvalid(await server.gql(ACCEPT, { t: first.token, p: 'a good passphrase' }));
    expect(code(await server.gql(ACCEPT, { t: second.token, p: 'a good passphrase' }))).toBe('OK');

    refusedAsInvalid(await server.gql(ACCEPT, { t: 'a'.repeat(43), p: 'a good passphrase' }));
  });

  it('is refused for a taken email, and resent only to a user still INVITED', async () => {
    const taken = await makeUser(server);
    expect(code(await server.gql(INVITE, { input: { name: 'Again', email: taken.email.toUpperCase() } }, adminToken))).toBe('ALREADY_EXISTS');
    const resent = await server.gql('mutation($u: ID!) { resendInvitation(userId: $u) }', { u: String(taken.id) }, adminToken);
    expect(resent.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const user = await login(server, taken.email);
    expect(code(await server.gql(INVITE, { input: { name: 'By a user', email: 'nope@example.com' } }, user))).toBe('FORBIDDEN');
  });

  it('lists users by status', async () => {
    await invite('listed-invited@example.com');
    const invited = await server.gql<{ users: { items: { email: string; status: string }[] } }>('{ users(status: INVITED, limit: 1000) { items { email status } } }', {}, adminToken);
    expect(invited.data!.users.items.map((u) => u.status)).not.toContain('ACTIVE');
    expect(invited.data!.users.items.map((u) => u.email)).toContain('listed-invited@example.com');
  });
});

describe('a password reset', () => {
  let user: { id: number; email: string };
  beforeEach(async () => {
    user = await makeUser(server);
  });

  it('answers true for any email, and emails a link only to an ACTIVE user', async () => {
    const before = smtp.received.length;
    expect((await server.gql(REQUEST_RESET, { e: 'nobody-at-all@example.com' })).data).toEqual({ requestPasswordReset: true });
    expect((await server.gql(REQUEST_RESET, { e: 'not an email' })).data).toEqual({ requestPasswordReset: true });
    expect((await server.gql(REQUEST_RESET, { e: user.email })).data).toEqual({ requestPasswordReset: true });
    const { email } = await nextEmailFor(user.email, 'reset-password');
    expect(email.subject).toBe('Reset your Tracker System password');
    expect(email.text).toContain('for 1 hour');
    // Only that one arrived.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.length).toBe(before + 1);
  });

  it('sets the new password and ends every session of the user, and lifts a lockout', async () => {
    const session = await login(server, user.email);
    for (let i = 0; i < 10; i++) await server.gql(LOGIN, { e: user.email, p: 'someone guessing' });
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    await server.gql(REQUEST_RESET, { e: user.email });
    const { token } = await nextEmailFor(user.email, 'reset-password');
    expect((await server.gql(RESET, { t: token, p: 'a fresh passphrase' })).data).toEqual({ resetPassword: true });
    expect(code(await server.gql('{ me { id } }', {}, session))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
    expect(code(await server.gql(LOGIN, { e: user.email, p: 'a fresh passphrase' }))).toBe('OK');
    expect(code(await server.gql(RESET, { t: token, p: 'yet another passphrase' }))).toBe('BAD_USER_INPUT');
  });

  it('sends at most three emails an hour to one address; the last link supersedes the others', async () => {
    for (let i = 0; i < 4; i++) expect((await server.gql(REQUEST_RESET, { e: user.email })).data).toEqual({ requestPasswordReset: true });
    await expect.poll(() => smtp.received.filter((e) => e.to.includes(user.email)).length, { timeout: 10_000, interval: 20 }).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const emails = smtp.received.filter((e) => e.to.includes(user.email));
    expect(emails).toHaveLength(3);
    const tokens = emails.map((e) => /reset-password\?token=([A-Za-z0-9_-]+)/.exec(e.text)![1]!);
    expect(code(await server.gql(RESET, { t: tokens[0]!, p: 'a fresh passphrase' }))).toBe('BAD_USER_INPUT');
    expect(code(await server.gql(RESET, { t: tokens[2]!, p: 'a fresh passphrase' }))).toBe('OK');
  });

  it('takes as long to answer for an unknown email as for a known one', async () => {
    // Measured from another process than the server's (in this one, the server's work after an
    // answer would delay the test's own reading of the answer).
    const env = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: 'reset-timing-tests-'.repeat(3), BCRYPT_ROUNDS: '4' };
    const spawned = spawnServer(env);
    try {
      const url = await spawned.ready();
      const knownEmails: string[] = [];
      for (let i = 0; i < 9; i++) {
        const made = await runCli('user', ['create', '--name', `Known ${i}`, '--email', `known-${i}@example.com`, '--password', 'a long passphrase', '--json'], { env });
        knownEmails.push(JSON.parse(made.stdout).email);
      }
      const answerTime = async (email: string) => {
        const started = performance.now();
        const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: REQUEST_RESET, variables: { e: email } }) });
        expect(await res.json()).toEqual({ data: { requestPasswordReset: true } });
        const ms = performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 100)); // what comes after this answer is done before the next request
        return ms;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 9; i++) {
        known.push(await answerTime(knownEmails[i]!));
        unknown.push(await answerTime(`unknown-${i}@example.com`));
      }
      const median = (times: number[]) => [...times].sort((a, b) => a - b)[4]!;
      console.log(`requestPasswordReset, median of 9: known email ${median(known).toFixed(1)} ms, unknown email ${median(unknown).toFixed(1)} ms`);
      expect(Math.abs(median(known) - median(unknown))).toBeLessThan(Math.max(3, median(unknown) / 2));
    } finally {
      await spawned.stop();
    }
  });
});

describe('suspension', () => {
  it('signs the user out everywhere at once, and refuses them with "This account is suspended" only for the right password', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const suspended = await server.gql('mutation($id: ID!) { suspendUser(id: $id) { status clients { id } } }', { id: String(user.id) }, adminToken);
    expect(suspended.data!.suspendUser.status).toBe('SUSPENDED');
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
    const right = await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD });
    expect(right.errors?.[0]).toMatchObject({ message: 'This account is suspended', extensions: { code: 'UNAUTHENTICATED' } });
    const wrong = await server.gql(LOGIN, { e: user.email, p: 'not the password' });
    expect(wrong.errors?.[0]?.message).toBe('Incorrect email or password');

    const back = await server.gql('mutation($id: ID!) { reactivateUser(id: $id) { status } }', { id: String(user.id) }, adminToken);
    expect(back.data!.reactivateUser.status).toBe('ACTIVE');
    expect(code(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED'); // the old session stays ended
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('OK');
  });

  it('ends the links already sent: an invitation or a reset from before does not work after reactivation', async () => {
    const invited = await invite('invited-then-suspended@example.com');
    await server.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: invited.user.id }, adminToken);
    const back = await server.gql('mutation($id: ID!) { reactivateUser(id: $id) { status } }', { id: invited.user.id }, adminToken);
    expect(back.data!.reactivateUser.status).toBe('INVITED');
    const stale = await server.gql(ACCEPT, { t: invited.token, p: 'a good passphrase' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { token: 'This link is invalid or has expired' } });
    // A new invitation works.
    await server.gql('mutation($u: ID!) { resendInvitation(userId: $u) }', { u: invited.user.id }, adminToken);
    const fresh = await nextEmailFor('invited-then-suspended@example.com', 'accept-invite');
    expect(code(await server.gql(ACCEPT, { t: fresh.token, p: 'a good passphrase' }))).toBe('OK');

    const user = await makeUser(server);
    await server.gql(REQUEST_RESET, { e: user.email });
    const reset = await nextEmailFor(user.email, 'reset-password');
    await server.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(user.id) }, adminToken);
    await server.gql('mutation($id: ID!) { reactivateUser(id: $id) { status } }', { id: String(user.id) }, adminToken);
    expect(code(await server.gql(RESET, { t: reset.token, p: 'a fresh passphrase' }))).toBe('BAD_USER_INPUT');
    expect(code(await server.gql(LOGIN, { e: user.email, p: DEFAULT_PASSWORD }))).toBe('OK');
  });

  it('keeps the data and the access list, and notifies the suspended user of nothing', async () => {
    const client = await makeClient(server);
    const user = await makeUser(server, { clientIds: [client.id], notificationPreferences: { email: true, ui: true } });
    await server.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(user.id) }, adminToken);
    const kept = await server.gql('query($id: ID!) { user(id: $id) { status clients { id } } }', { id: String(user.id) }, adminToken);
    expect(kept.data!.user).toEqual({ status: 'SUSPENDED', clients: [{ id: String(client.id) }] });
    const before = smtp.received.filter((e) => e.to.includes(user.email)).length;
    await server.gql('mutation($c: ID!) { createTicket(input: { clientId: $c, title: "While suspended" }) { id } }', { c: String(client.id) }, adminToken);
    const notes = await server.db.database.orm.em.getConnection().execute(`select count(*)::int as "n" from "notifications" where "user_id" = ?`, [user.id]);
    expect(notes).toEqual([{ n: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.filter((e) => e.to.includes(user.email)).length).toBe(before);
  });
});

describe('the last admin, counting active admins only', () => {
  it('cannot be suspended, deleted or demoted while the only other admin is invited or suspended', async () => {
    const t = await startTestServer();
    try {
      const only = await makeAdmin(t);
      const token = await login(t, only.email);
      await t.gql(INVITE, { input: { name: 'Invited Admin', email: 'invited-admin@example.com', roles: ['ADMIN'] } }, token);
      const other = await makeAdmin(t);
      await t.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(other.id) }, token);
      for (const mutation of ['mutation($id: ID!) { suspendUser(id: $id) { id } }', 'mutation($id: ID!) { deleteUser(id: $id) }', 'mutation($id: ID!) { updateUser(id: $id, input: { roles: [USER] }) { id } }']) {
        expect(code(await t.gql(mutation, { id: String(only.id) }, token)), mutation).toBe('LAST_ADMIN');
      }
    } finally {
      await t.close();
    }
  });

  it('holds when two admins suspend each other at the same moment: exactly one succeeds', async () => {
    const t = await startTestServer();
    try {
      const a = await makeAdmin(t);
      const b = await makeAdmin(t);
      const [ta, tb] = [await login(t, a.email), await login(t, b.email)];
      const answers = await Promise.all([
        t.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(b.id) }, ta),
        t.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(a.id) }, tb),
      ]);
      // The other is refused: LAST_ADMIN, or UNAUTHENTICATED if its request arrived after it was suspended.
      expect(answers.map(code).filter((c) => c === 'OK')).toHaveLength(1);
      expect(answers.map(code).filter((c) => c !== 'OK')).toEqual([expect.stringMatching(/^(LAST_ADMIN|UNAUTHENTICATED)$/)]);
      const active = await t.services.users.list(t.system(), { status: 'active', limit: 10 });
      expect(active.items.filter((u) => u.roles.includes('admin'))).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe('the audit log', () => {
  it('names each target as it was at the time, after a rename or a deletion too', async () => {
    const client = await makeClient(server, 'Named Before');
    await server.gql('mutation($id: ID!) { updateClient(id: $id, input: { name: "Named After" }) { id } }', { id: String(client.id) }, adminToken);
    await server.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: String(client.id) }, adminToken);
    const log = await server.gql('query($id: ID) { auditLog(targetType: "client", targetId: $id) { items { action targetLabel } } }', { id: String(client.id) }, adminToken);
    expect(log.data!.auditLog.items).toEqual([
      { action: 'client.delete', targetLabel: 'Named After' },
      { action: 'client.update', targetLabel: 'Named After' },
      { action: 'client.create', targetLabel: 'Named Before' },
    ]);
    const user = await makeUser(server);
    await server.gql('mutation($id: ID!) { suspendUser(id: $id) { id } }', { id: String(user.id) }, adminToken);
    const suspended = await server.gql('query($id: ID) { auditLog(targetType: "user", targetId: $id, action: "user.suspend") { items { targetLabel changes } } }', { id: String(user.id) }, adminToken);
    expect(suspended.data!.auditLog.items).toEqual([{ targetLabel: user.email, changes: { status: { from: 'active', to: 'suspended' }, sessions: '0 ended', apiTokens: '0 revoked' } }]);
  });
});
