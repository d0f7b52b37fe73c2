/// <reference lib="dom" />
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { PHONE, DESKTOP, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, submitSignIn, visible, type Browser } from './support/browser.js';
import { PUBLIC_URL, linkIn, startServerWithEmail, type Mailbox, type ServerWithEmail } from './support/email.js';

/**
 * The account lifecycle in the console (README: Invitations, password resets, suspension), end to
 * end: the emails go out over SMTP to a real SMTP server, and their links are opened in Chromium
 * exactly as they were sent (each browser knows the server by the PUBLIC_URL the emails link to).
 * An admin invites someone, who chooses a password from the email and is signed in; someone who
 * forgot their password sets a new one from the email, and their other session is refused; a link
 * used, superseded or expired says so; a suspended user's browser is sent to sign-in at once, and
 * signing in is refused until they are reactivated.
 */

let running: ServerWithEmail;
let server: TestServer;
let mail: Mailbox;
let admin: Awaited<ReturnType<typeof makeAdmin>>;
/** The admin's browser. */
let desk: Browser;
const others: Browser[] = [];

beforeAll(async () => {
  running = await startServerWithEmail();
  ({ server, mail } = running);
  admin = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com', notificationPreferences: { email: false, ui: false } });
  await makeClient(server, 'Acme Corp');
  await makeClient(server, 'Globex');
  desk = await browser();
  await signIn(desk.page, admin.email);
});

afterAll(async () => {
  for (const b of [desk, ...others]) await b?.close();
  await running?.close();
});

/** Another device, which knows the server by its public URL. */
async function browser(viewport = DESKTOP): Promise<Browser> {
  const opened = await openBrowser(server.url, viewport, { origin: PUBLIC_URL });
  others.push(opened);
  return opened;
}

const page = () => desk.page;
beforeEach(({ task, onTestFailed }) => onTestFailed(() => desk.saveFailure(`lifecycle ${task.name}`)));
const statusOf = async (email: string) => (await server.services.users.list(server.system(), { search: email })).items.find((u) => u.email === email)?.status;
const sql = (statement: string, values: unknown[]) => server.db.database.orm.em.getConnection().execute(statement, values);

async function choosePassword(p: Browser['page'], password: string, confirm = password) {
  await p.getByLabel('New password').fill(password);
  await p.getByLabel('Confirm password').fill(confirm);
}

describe('an invitation', () => {
  let link: string;
  let invitee: Browser;

  it('is sent from Invite User, beside Create User: Name, Email, Roles, Client List, notifications, no password', async () => {
    await page().goto('/users');
    await visible(page().getByRole('heading', { name: 'Users', level: 1 }));
    const header = page().locator('header.page-header');
    expect(await header.getByRole('link').allTextContents()).toEqual(['Invite User', 'Create User']);
    await header.getByRole('link', { name: 'Invite User' }).click();
    await page().waitForURL(/\/users\/invite$/);
    await visible(page().getByRole('heading', { name: 'Invite User', level: 1 }));
    expect(await page().getByLabel('Password').count()).toBe(0);

    // The server's refusals, beside their fields.
    await page().getByLabel('Email').fill('not-an-email');
    await page().getByRole('button', { name: 'Send invitation' }).click();
    await visible(page().locator('#user-name-error').getByText('Must not be empty.'));
    expect(await page().locator('#user-email-error').textContent()).toMatch(/valid email/);
    await visible(page().getByRole('alert').filter({ hasText: 'Could not invite the user' }));
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-invite-user-errors');
    // A taken email, beside Email too.
    await page().getByLabel('Name').fill('Someone Else');
    await page().getByLabel('Email').fill('ADA@example.com');
    await page().getByRole('button', { name: 'Send invitation' }).click();
    await visible(page().locator('#user-email-error').getByText('A user with this email already exists'));

    await page().getByLabel('Name').fill('Ivy Invited');
    await page().getByLabel('Email').fill('ivy@example.com');
    await page().getByRole('group', { name: 'Client List' }).getByLabel('Acme Corp').check();
    await page().getByLabel('In-app, in the console').uncheck();
    await screenshot(page(), 'desktop-invite-user');
    const before = mail.count('ivy@example.com');
    await page().getByRole('button', { name: 'Send invitation' }).click();
    await page().waitForURL(/\/users\/\d+$/);
    await visible(page().getByRole('heading', { name: 'Ivy Invited', level: 1 }));
    await visible(page().getByRole('status').getByText('Invitation emailed to ivy@example.com'));
    const banner = await visible(page().getByRole('region', { name: 'Invitation' }));
    expect(await banner.textContent()).toContain('an invitation was emailed to ivy@example.com');
    expect(await page().getByRole('region', { name: 'Profile' }).textContent()).toMatch(/Status\s*Invited.*Client List\s*Acme Corp.*Notifications\s*By e-mail/s);
    await screenshot(page(), 'desktop-user-invited');

    const email = await mail.next('ivy@example.com', before);
    expect(email.subject).toBe('Ada Admin invited you to the Tracker System');
    expect(email.text).toContain('as a user with access to Acme Corp');
    link = linkIn(email, 'accept-invite');
    expect(await statusOf('ivy@example.com')).toBe('invited');
  });

  it('opens, from the email, a page to choose a password; then they are signed in, on the start page', async () => {
    invitee = await browser();
    const p = invitee.page;
    await p.goto(link);
    await visible(p.getByRole('heading', { name: 'Choose your password', level: 1 }));
    await visible(p.getByText('8 to 72 bytes'));
    await expectLabelledInputs(p);
    await screenshot(p, 'desktop-accept-invite');

    // A slip in the confirmation is caught before anything is sent; a short password is the server's to refuse.
    await choosePassword(p, 'a long passphrase', 'a long passphrasE');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await visible(p.locator('#confirm-password-error').getByText('The two passwords are not the same.'));
    await choosePassword(p, 'short');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await visible(p.locator('#new-password-error').getByText(/at least 8 bytes/));
    expect(await p.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
    await screenshot(p, 'desktop-accept-invite-refused');

    await choosePassword(p, 'ivy’s own passphrase');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await p.waitForURL(`${PUBLIC_URL}/profile`);
    await visible(p.getByRole('heading', { name: 'Your profile', level: 1 }));
    expect(await p.getByTestId('signed-in-name').textContent()).toBe('Ivy Invited');
    await visible(p.getByRole('status').getByText('Welcome, Ivy Invited: your password is set and you are signed in'));
    expect((await invitee.context.cookies()).find((c) => c.name === 'tracker_session')).toMatchObject({ domain: 'console.test', httpOnly: true });
    expect(await statusOf('ivy@example.com')).toBe('active');

    // The admin sees them active, and the invitation gone from their page.
    await page().reload();
    await visible(page().getByRole('region', { name: 'Profile' }).getByText('Active', { exact: true }));
    expect(await page().getByRole('region', { name: 'Invitation' }).count()).toBe(0);
    expect(invitee.consoleErrors).toEqual([]);
  });

  it('once used, says the link is invalid or has expired, and what to do', async () => {
    const other = await browser(PHONE);
    await other.page.goto(link);
    await choosePassword(other.page, 'another passphrase');
    await other.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await visible(other.page.getByRole('heading', { name: 'Invitation link not valid', level: 1 }));
    await visible(other.page.getByRole('alert').getByText('This link is invalid or has expired.'));
    await visible(other.page.getByText('Ask an admin of the Tracker System to send you a new invitation.'));
    await expectNoHorizontalOverflow(other.page);
    await screenshot(other.page, 'phone-accept-invite-invalid');
    await other.page.getByRole('link', { name: 'Sign in' }).click();
    await other.page.waitForURL(/\/sign-in$/);
    await submitSignIn(other.page, 'ivy@example.com', 'ivy’s own passphrase');
    await visible(other.page.getByRole('heading', { name: 'Your profile', level: 1 }));
  });

  it('sent again from the user’s page, makes the older link stop working', async () => {
    const before = mail.count('rex@example.com');
    await page().goto('/users/invite');
    await page().getByLabel('Name').fill('Rex Resent');
    await page().getByLabel('Email').fill('rex@example.com');
    await page().getByRole('button', { name: 'Send invitation' }).click();
    await visible(page().getByRole('heading', { name: 'Rex Resent', level: 1 }));
    const first = linkIn(await mail.next('rex@example.com', before), 'accept-invite');

    await page().getByRole('region', { name: 'Invitation' }).getByRole('button', { name: 'Resend invitation' }).click();
    await visible(page().getByRole('status').getByText('A new invitation was emailed to rex@example.com: the links sent before no longer work'));
    const second = linkIn(await mail.next('rex@example.com', before + 1), 'accept-invite');
    expect(second).not.toBe(first);

    const rex = await browser();
    await rex.page.goto(first);
    await choosePassword(rex.page, 'rex’s passphrase');
    await rex.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await visible(rex.page.getByRole('alert').getByText('This link is invalid or has expired.'));
    await rex.page.goto(second);
    await choosePassword(rex.page, 'rex’s passphrase');
    await rex.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await rex.page.waitForURL(`${PUBLIC_URL}/profile`);
    expect(await rex.page.getByTestId('signed-in-name').textContent()).toBe('Rex Resent');
  });

  it('once expired, says so too; and a link with no token at all says so at once', async () => {
    const before = mail.count('eve@example.com');
    await page().goto('/users/invite');
    await page().getByLabel('Name').fill('Eve Expired');
    await page().getByLabel('Email').fill('eve@example.com');
    await page().getByRole('button', { name: 'Send invitation' }).click();
    await visible(page().getByRole('heading', { name: 'Eve Expired', level: 1 }));
    const link = linkIn(await mail.next('eve@example.com', before), 'accept-invite');
    const eve = (await server.services.users.list(server.system(), { search: 'eve@example.com' })).items[0]!;
    await sql(`update "user_links" set "expires_at" = now() - interval '1 second' where "user_id" = ?`, [eve.id]);

    const p = (await browser()).page;
    await p.goto(link);
    await choosePassword(p, 'eve’s passphrase');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await visible(p.getByRole('alert').getByText('This link is invalid or has expired.'));
    expect(await statusOf('eve@example.com')).toBe('invited');

    await p.goto('/accept-invite');
    await visible(p.getByRole('heading', { name: 'Invitation link not valid', level: 1 }));
    await visible(p.getByRole('alert').getByText('This link is invalid or has expired.'));
  });
});

describe('a forgotten password', () => {
  let uma: Awaited<ReturnType<typeof makeUser>>;
  let oldSession: Browser;
  let link: string;

  it('is asked for from “Forgot password?” on the sign-in page, with the same answer whatever the email', async () => {
    uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com', notificationPreferences: { email: false, ui: false } });
    oldSession = await browser();
    await signIn(oldSession.page, uma.email);
    await visible(oldSession.page.getByRole('heading', { name: 'Your profile', level: 1 }));

    const p = (await browser()).page;
    await p.goto('/sign-in');
    await p.getByRole('link', { name: 'Forgot password?' }).click();
    await p.waitForURL(/\/forgot-password$/);
    await visible(p.getByRole('heading', { name: 'Forgot password?', level: 1 }));
    await expectLabelledInputs(p);
    await screenshot(p, 'desktop-forgot-password');

    // An address with no account: the same words, and no email.
    await p.getByLabel('Email').fill('nobody-here@example.com');
    await p.getByRole('button', { name: 'Send reset link' }).click();
    const answer = await visible(p.getByRole('status').filter({ hasText: 'If an account exists for that address, an email is on its way.' }));
    const unknown = await answer.textContent();
    await screenshot(p, 'desktop-forgot-password-sent');

    await p.getByRole('button', { name: 'send it again' }).click();
    const before = mail.count(uma.email);
    await p.getByLabel('Email').fill(uma.email);
    await p.getByRole('button', { name: 'Send reset link' }).click();
    expect(await (await visible(p.getByRole('status').filter({ hasText: 'an email is on its way' }))).textContent()).toBe(unknown);

    const email = await mail.next(uma.email, before);
    expect(email.subject).toBe('Reset your Tracker System password');
    link = linkIn(email, 'reset-password');
    // Sent after the unknown address's request was answered, and nothing went there.
    expect(mail.count('nobody-here@example.com')).toBe(0);
  });

  it('is set from the email’s link; every other session is refused, and the new password signs in', async () => {
    const reset = await browser(PHONE);
    const p = reset.page;
    await p.goto(link);
    await visible(p.getByRole('heading', { name: 'Choose a new password', level: 1 }));
    await expectNoHorizontalOverflow(p);
    await screenshot(p, 'phone-reset-password');
    await choosePassword(p, 'a fresh passphrase');
    await p.getByRole('button', { name: 'Set new password' }).click();
    await visible(p.getByRole('heading', { name: 'Password changed', level: 1 }));
    await visible(p.getByRole('status').getByText('Your new password is set, and every other session of your account has ended.'));
    await screenshot(p, 'phone-reset-password-done');

    // The session from before is over: its next request goes back to sign-in.
    await oldSession.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await oldSession.page.waitForURL(/\/sign-in\?next=%2Ftickets&ended=1$/);
    await visible(oldSession.page.getByRole('heading', { name: 'Sign in', level: 1 }));
    // The old password no longer works; the new one does.
    await oldSession.page.getByLabel('Email').fill(uma.email);
    await oldSession.page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await oldSession.page.getByRole('button', { name: 'Sign in' }).click();
    await visible(oldSession.page.getByRole('alert').getByText('Incorrect email or password'));

    await p.getByRole('link', { name: 'Sign in' }).click();
    await p.waitForURL(/\/sign-in$/);
    await submitSignIn(p, uma.email, 'a fresh passphrase');
    await visible(p.getByRole('heading', { name: 'Your profile', level: 1 }));
    expect(reset.consoleErrors).toEqual([]);
  });

  it('once used, says the link is invalid or has expired, and offers a new one', async () => {
    const p = (await browser()).page;
    await p.goto(link);
    await choosePassword(p, 'yet another passphrase');
    await p.getByRole('button', { name: 'Set new password' }).click();
    await visible(p.getByRole('heading', { name: 'Reset link not valid', level: 1 }));
    await visible(p.getByRole('alert').getByText('This link is invalid or has expired.'));
    await screenshot(p, 'desktop-reset-password-invalid');
    await p.getByRole('link', { name: 'Request a new reset link' }).click();
    await p.waitForURL(/\/forgot-password$/);
    await visible(p.getByRole('heading', { name: 'Forgot password?', level: 1 }));
  });
});

describe('suspension', () => {
  let sam: Awaited<ReturnType<typeof makeUser>>;
  let sams: Browser;

  it('asks first, saying what it does; Cancel changes nothing', async () => {
    sam = await makeUser(server, { name: 'Sam Suspended', email: 'sam@example.com' });
    sams = await browser();
    await signIn(sams.page, sam.email);
    await visible(sams.page.getByRole('heading', { name: 'Your profile', level: 1 }));

    await page().goto(`/users/${sam.id}`);
    await visible(page().getByRole('region', { name: 'Profile' }).getByText('Active', { exact: true }));
    await page().getByRole('button', { name: 'Suspend' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: 'Suspend Sam Suspended?' }));
    const said = await dialog.textContent();
    expect(said).toContain('signed out everywhere at once');
    expect(said).toContain('they cannot sign in and receive no notifications');
    expect(said).toContain('Their data, client access list and history are kept');
    await screenshot(page(), 'desktop-user-suspend-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf(sam.email)).toBe('active');
  });

  it('signs them out at once: their next request goes to sign-in, where they are told the account is suspended', async () => {
    await page().getByRole('button', { name: 'Suspend' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: 'Suspend Sam Suspended?' }));
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(page().getByRole('status').getByText('Suspended Sam Suspended: they are signed out everywhere and cannot sign in'));
    await visible(page().getByRole('region', { name: 'Suspension' }));
    await visible(page().getByRole('region', { name: 'Profile' }).getByText('Suspended', { exact: true }));
    await visible(page().getByRole('button', { name: 'Reactivate' }));
    await screenshot(page(), 'desktop-user-suspended');
    expect(await statusOf(sam.email)).toBe('suspended');

    await sams.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await sams.page.waitForURL(/\/sign-in\?next=%2Ftickets&ended=1$/);
    await submitSignInRefused(sams, sam.email, DEFAULT_PASSWORD, 'This account is suspended');
    // A wrong password gets the usual answer.
    await submitSignInRefused(sams, sam.email, 'not the password', 'Incorrect email or password');
  });

  it('is undone by Reactivate, after its own confirmation: they sign in again', async () => {
    await page().getByRole('button', { name: 'Reactivate' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: 'Reactivate Sam Suspended?' }));
    expect(await dialog.textContent()).toContain('can sign in again');
    await screenshot(page(), 'desktop-user-reactivate-dialog');
    await dialog.getByRole('button', { name: 'Reactivate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(page().getByRole('status').getByText('Reactivated Sam Suspended: they can sign in again'));
    await visible(page().getByRole('region', { name: 'Profile' }).getByText('Active', { exact: true }));
    expect(await page().getByRole('region', { name: 'Suspension' }).count()).toBe(0);

    await sams.page.getByLabel('Email').fill(sam.email);
    await sams.page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await sams.page.getByRole('button', { name: 'Sign in' }).click();
    await sams.page.waitForURL(/\/tickets$/);
    await visible(sams.page.getByRole('heading', { name: 'Tickets', level: 1 }));
    expect(sams.consoleErrors).toEqual([]);
  });

  it('of the last active admin is refused, and the dialog says why', async () => {
    await page().goto(`/users/${admin.id}`);
    await page().getByRole('button', { name: 'Suspend' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: 'Suspend Ada Admin?' }));
    await visible(dialog.getByText('This is your own account: you will be signed out too.'));
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await visible(dialog.getByRole('alert').getByText('This change would leave the system without an admin: at least one active user must keep the ADMIN role'));
    await screenshot(page(), 'desktop-user-suspend-last-admin');
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf(admin.email)).toBe('active');
  });
});

async function submitSignInRefused(b: Browser, email: string, password: string, message: string) {
  await b.page.getByLabel('Email').fill(email);
  await b.page.getByLabel('Password').fill(password);
  await b.page.getByRole('button', { name: 'Sign in' }).click();
  await visible(b.page.getByRole('alert').getByText(message, { exact: true }));
}

describe('the users list', () => {
  it('shows each user’s status and lockout, and filters by status in the URL', async () => {
    // Lee is locked out: ten wrong passwords.
    const lee = await makeUser(server, { name: 'Lee Locked', email: 'lee@example.com' });
    for (let i = 0; i < 10; i++) await server.gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: lee.email, p: 'not the password' });
    await server.services.users.suspend(server.system(), (await makeUser(server, { name: 'Sue Suspended', email: 'sue@example.com' })).id);

    await page().goto('/users');
    const row = (text: string) => page().getByRole('table').getByRole('row').filter({ hasText: text });
    await visible(row('sue@example.com'));
    await visible(page().getByRole('columnheader', { name: 'Status' }));
    expect(await row('sue@example.com').getByRole('cell').nth(2).textContent()).toBe('Suspended');
    expect(await row('eve@example.com').getByRole('cell').nth(2).textContent()).toBe('Invited');
    expect(await row('ivy@example.com').getByRole('cell').nth(2).textContent()).toBe('Active');
    const locked = row('lee@example.com').locator('[title^="Locked until"]');
    expect(await locked.textContent()).toMatch(/^Locked until \d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    expect(await locked.getAttribute('title')).toMatch(/^Locked until /);
    expect(await row('ivy@example.com').locator('[title^="Locked until"]').count()).toBe(0);
    await screenshot(page(), 'desktop-users-statuses');

    await page().getByLabel('Status').selectOption({ label: 'Invited' });
    await page().waitForURL(/\/users\?status=invited$/);
    await visible(page().getByText('1 invited user', { exact: true }));
    expect(await page().getByRole('table').locator('tbody tr').count()).toBe(1);
    await visible(row('eve@example.com'));
    await page().reload();
    expect(await page().getByLabel('Status').inputValue()).toBe('INVITED');
    await visible(page().getByText('1 invited user', { exact: true }));

    // With a search, both travel in the URL.
    await page().getByLabel('Status').selectOption({ label: 'Active' });
    await page().waitForURL(/\/users\?status=active$/);
    await page().getByLabel('Search users').fill('ivy');
    await page().waitForURL(/\/users\?q=ivy&status=active$/);
    await visible(page().getByText('1 active user matching “ivy”'));
    await page().getByLabel('Status').selectOption({ label: 'Suspended' });
    await page().waitForURL(/\/users\?q=ivy&status=suspended$/);
    await visible(page().getByText('No suspended user matches “ivy”'));

    await page().goto('/users?status=suspended');
    await visible(row('sue@example.com'));
    await page().setViewportSize(PHONE);
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-users-suspended');
    await page().goto('/users');
    await visible(row('lee@example.com'));
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-users-statuses');
    await page().setViewportSize(DESKTOP);
    expect(desk.consoleErrors).toEqual([]);
  });
});
