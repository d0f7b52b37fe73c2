/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/auth/totp.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { axeViolations } from './support/axe.js';
import { DESKTOP, PHONE, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';
import { linkIn, pathOf, startServerWithEmail, type ServerWithEmail } from './support/email.js';

/**
 * Every page of the console, in each state a person meets it in, passes axe-core's WCAG 2.1 A and
 * AA rules at desktop and at phone width: as a visitor signing in, as an admin, and as a USER
 * (each also signed in on another device, so that Profile and a user's page list sessions).
 * The pages an emailed link opens are checked with the links of real emails (the server's emails
 * are sent, to a local SMTP server), with links that do not work, and in each of their states.
 * A screenshot of each state is left in test-results/screenshots/a11y-*.png.
 */

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const CREATE_TICKET = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }';
const UPDATE_TICKET = 'mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id } }';
const INVITE = 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }';
const SUSPEND = 'mutation($id: ID!) { suspendUser(id: $id) { id } }';
const REQUEST_RESET = 'mutation($email: String!) { requestPasswordReset(email: $email) }';
const START_TOTP = 'mutation { startTotpEnrollment { secret } }';
const CONFIRM_TOTP = 'mutation($code: String!) { confirmTotpEnrollment(code: $code) }';
const CREATE_API_TOKEN = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }';
/** The server's default: this many failures for one email lock it out. */
const FAILURES_PER_EMAIL = 10;
const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

interface View {
  name: string;
  path: () => string;
  /** What shows that the page is there, in the state to check. */
  ready: (page: Page) => Locator;
  /** Puts the page in that state (opens a form, a dialog, the bell). */
  then?: (page: Page) => Promise<void>;
  /** Only at this width (the phone's menu). */
  only?: 'phone';
}

let running: ServerWithEmail;
let server: TestServer;
const ids: Record<string, string> = {};
/** Emailed links, as paths of the console: an invitation, and password resets (one to look at, one per width to use). */
const links: Record<string, string> = {};
const BROKEN_TOKEN = 'x'.repeat(43);
const accounts = { admin: 'ada@example.com', user: 'uma@example.com', twoFactor: 'tess@example.com' };

async function api(token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await server.gql(query, variables, token);
  if (!res.data) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

beforeAll(async () => {
  running = await startServerWithEmail();
  server = running.server;
  const { mail } = running;
  const admin = await makeAdmin(server, { name: 'Ada Admin', email: accounts.admin });
  const acme = await makeClient(server, 'Acme Corp');
  const globex = await makeClient(server, 'Globex');
  const uma = await makeUser(server, { name: 'Uma User', email: accounts.user, clientIds: [acme.id, globex.id] });
  const lee = await makeUser(server, { name: 'Lee Locked', email: 'lee@example.com', clientIds: [acme.id] });
  for (let i = 0; i < FAILURES_PER_EMAIL; i++) await server.gql(LOGIN, { email: lee.email, password: 'not the password' });
  Object.assign(ids, { admin: String(admin.id), uma: String(uma.id), lee: String(lee.id), acme: String(acme.id) });
  // Tickets each of them hears about (so that the bell has unread and read notifications).
  const [adminToken, umaToken] = [await login(server, admin.email), await login(server, uma.email)];
  // Each of them is also signed in on another device (Profile lists it, with a Sign out).
  for (const email of [admin.email, uma.email]) await server.gql(LOGIN, { email, password: DEFAULT_PASSWORD }, undefined, { 'user-agent': FIREFOX_ON_WINDOWS });
  ids.printer = (await api(umaToken, CREATE_TICKET, { input: { clientId: ids.acme, title: 'Printer on fire', description: 'Smoke from tray 2.' } })).createTicket.id;
  ids.certificate = (await api(adminToken, CREATE_TICKET, { input: { clientId: String(globex.id), title: 'Renew the certificate' } })).createTicket.id;
  await api(adminToken, UPDATE_TICKET, { id: ids.printer, input: { status: 'IN_PROGRESS' } });
  await api(umaToken, UPDATE_TICKET, { id: ids.certificate, input: { status: 'DONE' } });

  // A user of each status, and the links of real emails.
  const invited = mail.count('ivan@example.com');
  ids.ivan = (await api(adminToken, INVITE, { input: { name: 'Ivan Invited', email: 'ivan@example.com', clientIds: [ids.acme] } })).inviteUser.id;
  links.invitation = pathOf(linkIn(await mail.next('ivan@example.com', invited), 'accept-invite'));
  ids.sue = String((await makeUser(server, { name: 'Sue Suspended', email: 'sue@example.com' })).id);
  await api(adminToken, SUSPEND, { id: ids.sue });
  for (const who of ['rita', 'desktop', 'phone']) {
    const email = `${who}@example.com`;
    await makeUser(server, { name: `Rita ${who}`, email, notificationPreferences: { email: false, ui: false } });
    const before = mail.count(email);
    await server.gql(REQUEST_RESET, { email });
    links[`reset-${who}`] = pathOf(linkIn(await mail.next(email, before), 'reset-password'));
  }
  // Tess has two-factor on and an API token a script has used; Tom, at each width, sets two-factor up.
  const tess = await makeUser(server, { name: 'Tess Two-Factor', email: accounts.twoFactor, clientIds: [acme.id] });
  ids.tess = String(tess.id);
  const tessToken = await login(server, tess.email);
  const apiToken = (await api(tessToken, CREATE_API_TOKEN, { input: { name: 'Nightly export', expiresInDays: 90 } })).createApiToken.token;
  await api(apiToken, 'query { me { id } }', {});
  await api(tessToken, CREATE_API_TOKEN, { input: { name: 'Backup script' } });
  const { secret } = (await api(tessToken, START_TOTP, {})).startTotpEnrollment;
  await api(tessToken, CONFIRM_TOTP, { code: totpCode(secret) });
  for (const width of ['desktop', 'phone']) await makeUser(server, { name: `Tom ${width}`, email: `tom-${width}@example.com` });
});

afterAll(async () => {
  await running?.close();
});

const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 });
const openBell = (page: Page) => page.getByRole('button', { name: /^Notifications/ }).click();
const widthOf = (page: Page): 'desktop' | 'phone' => ((page.viewportSize()?.width ?? DESKTOP.width) <= PHONE.width ? 'phone' : 'desktop');
async function choosePassword(page: Page, password: string, submit: string) {
  await page.getByLabel('New password').fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: submit }).click();
}
/** The password step of an account with two-factor on. */
async function passwordOf(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
const USERS_HEADER = 'name,email,roles,clients,status';
/** Import's preview of a users file of these lines (the header first). */
async function previewImport(page: Page, ...lines: string[]) {
  const csv = `${lines.join('\r\n')}\r\n`;
  await page.getByLabel('Users file (CSV)').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview' }).click();
}
const importReport = (page: Page, name: 'Preview' | 'Result') => page.getByRole('region', { name });
const twoFactorSection = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' });
const otherDevice = (page: Page, list: string) => page.getByRole('list', { name: list }).getByRole('listitem').filter({ hasText: 'Firefox on Windows' });

const SIGN_IN: View[] = [
  { name: 'sign-in', path: () => '/sign-in', ready: heading('Sign in') },
  {
    name: 'sign-in refused',
    path: () => '/sign-in',
    ready: (page) => page.getByRole('alert').filter({ hasText: 'Incorrect email or password' }).first(),
    then: async (page) => {
      await page.getByLabel('Email').fill(accounts.admin);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
  },
  {
    name: 'sign-in, second step',
    path: () => '/sign-in',
    ready: (page) => page.getByLabel('Authentication code'),
    then: (page) => passwordOf(page, accounts.twoFactor),
  },
  {
    name: 'sign-in, second step refused',
    path: () => '/sign-in',
    ready: (page) => page.getByRole('alert').filter({ hasText: 'That code is not right' }),
    then: async (page) => {
      await passwordOf(page, accounts.twoFactor);
      await page.getByLabel('Authentication code').fill('12345');
      await page.getByRole('button', { name: 'Verify' }).click();
    },
  },
  {
    name: 'sign-in, a recovery code',
    path: () => '/sign-in',
    ready: (page) => page.getByLabel('Recovery code'),
    then: async (page) => {
      await passwordOf(page, accounts.twoFactor);
      await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
    },
  },
  { name: 'forgot password', path: () => '/forgot-password', ready: heading('Forgot password?') },
  {
    name: 'forgot password, sent',
    path: () => '/forgot-password',
    ready: (page) => page.getByRole('status').filter({ hasText: 'If an account exists for that address, an email is on its way.' }),
    then: async (page) => {
      await page.getByLabel('Email').fill('nobody-here@example.com');
      await page.getByRole('button', { name: 'Send reset link' }).click();
    },
  },
  { name: 'accept invitation, a valid link', path: () => links.invitation!, ready: heading('Choose your password') },
  {
    name: 'accept invitation, password refused',
    path: () => links.invitation!,
    ready: (page) => page.locator('#new-password-error'),
    then: (page) => choosePassword(page, 'short', 'Set password and sign in'),
  },
  {
    name: 'accept invitation, a link that does not work',
    path: () => `/accept-invite?token=${BROKEN_TOKEN}`,
    ready: heading('Invitation link not valid'),
    then: (page) => choosePassword(page, 'a long passphrase', 'Set password and sign in'),
  },
  { name: 'accept invitation, no token', path: () => '/accept-invite', ready: heading('Invitation link not valid') },
  { name: 'reset password, a valid link', path: () => links['reset-rita']!, ready: heading('Choose a new password') },
  {
    name: 'reset password, confirmation differs',
    path: () => links['reset-rita']!,
    ready: (page) => page.locator('#confirm-password-error'),
    then: async (page) => {
      await page.getByLabel('New password').fill('a long passphrase');
      await page.getByLabel('Confirm password').fill('a long passphrasE');
      await page.getByRole('button', { name: 'Set new password' }).click();
    },
  },
  {
    name: 'reset password, a link that does not work',
    path: () => `/reset-password?token=${BROKEN_TOKEN}`,
    ready: heading('Reset link not valid'),
    then: (page) => choosePassword(page, 'a long passphrase', 'Set new password'),
  },
  {
    name: 'reset password, set',
    // Each width uses a link of its own: a link works once.
    path: () => '/sign-in',
    ready: heading('Password changed'),
    then: async (page) => {
      await page.goto(links[`reset-${widthOf(page)}`]!);
      await choosePassword(page, 'a brand new passphrase', 'Set new password');
    },
  },
];

const EVERYONE: View[] = [
  { name: 'profile', path: () => '/profile', ready: heading('Your profile') },
  { name: 'profile, with sessions', path: () => '/profile', ready: (page) => otherDevice(page, 'Where you’re signed in') },
  {
    name: 'profile, signing out a session',
    path: () => '/profile',
    ready: (page) => page.getByRole('dialog', { name: 'Sign out Firefox on Windows?' }),
    then: (page) => otherDevice(page, 'Where you’re signed in').getByRole('button', { name: /^Sign out/ }).click(),
  },
  {
    name: 'profile, signing out everywhere else',
    path: () => '/profile',
    ready: (page) => page.getByRole('dialog', { name: 'Sign out everywhere else?' }),
    then: (page) => page.getByRole('button', { name: 'Sign out everywhere else' }).click(),
  },
  {
    name: 'profile, setting up two-factor',
    path: () => '/profile',
    ready: (page) => twoFactorSection(page).getByRole('img', { name: /^QR code/ }),
    then: (page) => twoFactorSection(page).getByRole('button', { name: 'Set up two-factor authentication' }).click(),
  },
  {
    name: 'profile, two-factor code refused',
    path: () => '/profile',
    ready: (page) => page.locator('#totp-code-error'),
    then: async (page) => {
      await twoFactorSection(page).getByRole('button', { name: 'Set up two-factor authentication' }).click();
      await page.getByLabel('Code from the app').fill('12345');
      await twoFactorSection(page).getByRole('button', { name: 'Confirm' }).click();
    },
  },
  {
    name: 'profile, an API token created',
    path: () => '/profile',
    ready: (page) => page.getByRole('region', { name: /^Your new token/ }),
    then: async (page) => {
      await page.getByRole('region', { name: 'API tokens' }).getByLabel('Name').fill('Report bot');
      await page.getByRole('button', { name: 'Create token' }).click();
    },
  },
  {
    name: 'profile, API token refused',
    path: () => '/profile',
    ready: (page) => page.locator('#api-token-days-error'),
    then: async (page) => {
      await page.getByLabel('Expires in (days)').fill('0');
      await page.getByRole('button', { name: 'Create token' }).click();
    },
  },
  {
    name: 'profile, revoking an API token',
    path: () => '/profile',
    ready: (page) => page.getByRole('dialog', { name: 'Revoke “Report bot”?' }),
    then: (page) => page.getByRole('button', { name: 'Revoke Report bot' }).first().click(),
  },
  { name: 'tickets', path: () => '/tickets', ready: (page) => page.getByRole('link', { name: 'Printer on fire' }) },
  {
    name: 'new ticket',
    path: () => '/tickets',
    ready: (page) => page.getByRole('heading', { name: 'New ticket', level: 2 }),
    then: (page) => page.getByRole('button', { name: 'New ticket' }).click(),
  },
  { name: 'ticket', path: () => `/tickets/${ids.printer}`, ready: heading('Printer on fire') },
  {
    name: 'ticket, editing',
    path: () => `/tickets/${ids.printer}`,
    ready: (page) => page.getByRole('form', { name: 'Edit ticket' }),
    then: (page) => page.getByRole('button', { name: 'Edit' }).click(),
  },
  {
    name: 'ticket, edit refused',
    path: () => `/tickets/${ids.printer}`,
    ready: (page) => page.locator('#ticket-title-error'),
    then: async (page) => {
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Title').fill('');
      await page.getByRole('button', { name: 'Save' }).click();
    },
  },
  { name: 'clients', path: () => '/clients', ready: (page) => page.getByRole('link', { name: 'Acme Corp' }) },
  { name: 'client', path: () => `/clients/${ids.acme}`, ready: heading('Acme Corp') },
  { name: 'notifications open', path: () => '/tickets', ready: (page) => page.getByRole('region', { name: 'Notifications' }).getByRole('list', { name: 'Newest first' }), then: openBell },
  {
    name: 'menu open',
    path: () => '/profile',
    ready: (page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }),
    then: (page) => page.getByRole('button', { name: 'Menu' }).click(),
    only: 'phone',
  },
];

const ADMIN: View[] = [
  { name: 'users', path: () => '/users', ready: (page) => page.getByRole('link', { name: 'Uma User' }) },
  { name: 'users, filtered by status', path: () => '/users?status=suspended', ready: (page) => page.getByRole('link', { name: 'Sue Suspended' }) },
  { name: 'user', path: () => `/users/${ids.uma}`, ready: heading('Uma User') },
  { name: 'user, invited', path: () => `/users/${ids.ivan}`, ready: (page) => page.getByRole('region', { name: 'Invitation' }) },
  { name: 'user, suspended', path: () => `/users/${ids.sue}`, ready: (page) => page.getByRole('region', { name: 'Suspension' }) },
  {
    name: 'user, suspending',
    path: () => `/users/${ids.uma}`,
    ready: (page) => page.getByRole('dialog', { name: 'Suspend Uma User?' }),
    then: (page) => page.getByRole('button', { name: 'Suspend' }).click(),
  },
  {
    name: 'user, suspending the last admin refused',
    path: () => `/users/${ids.admin}`,
    ready: (page) => page.getByRole('dialog', { name: 'Suspend Ada Admin?' }).getByRole('alert'),
    then: async (page) => {
      await page.getByRole('button', { name: 'Suspend' }).click();
      await page.getByRole('dialog', { name: 'Suspend Ada Admin?' }).getByRole('button', { name: 'Suspend' }).click();
    },
  },
  {
    name: 'user, reactivating',
    path: () => `/users/${ids.sue}`,
    ready: (page) => page.getByRole('dialog', { name: 'Reactivate Sue Suspended?' }),
    then: (page) => page.getByRole('button', { name: 'Reactivate' }).click(),
  },
  { name: 'user edit', path: () => `/users/${ids.uma}`, ready: (page) => page.getByLabel('Name'), then: (page) => page.getByRole('button', { name: 'Edit' }).click() },
  {
    name: 'user delete dialog',
    path: () => `/users/${ids.uma}`,
    ready: (page) => page.getByRole('dialog', { name: 'Delete Uma User?' }),
    then: (page) => page.getByRole('button', { name: 'Delete' }).click(),
  },
  { name: 'user, with sessions', path: () => `/users/${ids.uma}`, ready: (page) => otherDevice(page, 'Open sessions') },
  {
    name: 'user, signing out everywhere',
    path: () => `/users/${ids.uma}`,
    ready: (page) => page.getByRole('dialog', { name: 'Sign Uma User out everywhere?' }),
    then: (page) => page.getByRole('button', { name: 'Sign out everywhere' }).click(),
  },
  { name: 'user, two-factor on, with API tokens', path: () => `/users/${ids.tess}`, ready: (page) => page.getByRole('list', { name: 'API tokens' }).getByText('Nightly export') },
  {
    name: 'user, resetting two-factor',
    path: () => `/users/${ids.tess}`,
    ready: (page) => page.getByRole('dialog', { name: 'Reset two-factor for Tess Two-Factor?' }),
    then: (page) => page.getByRole('button', { name: 'Reset two-factor' }).click(),
  },
  {
    name: 'user, revoking an API token',
    path: () => `/users/${ids.tess}`,
    ready: (page) => page.getByRole('dialog', { name: 'Revoke “Nightly export”?' }),
    then: (page) => page.getByRole('button', { name: 'Revoke Nightly export' }).click(),
  },
  { name: 'user locked out, no sessions', path: () => `/users/${ids.lee}`, ready: (page) => page.getByRole('region', { name: 'Sign-in lockout' }) },
  { name: 'create user', path: () => '/users/new', ready: heading('Create User') },
  { name: 'invite user', path: () => '/users/invite', ready: heading('Invite User') },
  {
    name: 'invite user refused',
    path: () => '/users/invite',
    ready: (page) => page.locator('#user-name-error'),
    then: (page) => page.getByRole('button', { name: 'Send invitation' }).click(),
  },
  {
    name: 'create user refused',
    path: () => '/users/new',
    ready: (page) => page.locator('#user-name-error'),
    then: (page) => page.getByRole('button', { name: 'Save' }).click(),
  },
  { name: 'users, no match', path: () => '/users?q=nobody-at-all', ready: (page) => page.getByText('No user matches “nobody-at-all”') },
  { name: 'import users', path: () => '/users/import', ready: heading('Import users') },
  {
    name: 'import users, a file refused whole',
    path: () => '/users/import',
    ready: (page) => page.locator('#import-file-error'),
    then: (page) => previewImport(page, 'not,the,header', 'a,b,c'),
  },
  {
    name: 'import users, preview with errors',
    path: () => '/users/import',
    ready: (page) => importReport(page, 'Preview').getByText(/^Nothing was changed/),
    then: (page) => previewImport(page, USERS_HEADER, 'Uma User,uma@example.com,user;boss,Acme Corp;Globex,active', 'No Email,not-an-email,user,,', 'Nina New,nina@example.com,user,Acme Corp,'),
  },
  {
    name: 'import users, preview ready to apply',
    path: () => '/users/import',
    ready: (page) => importReport(page, 'Preview').getByRole('button', { name: 'Apply' }),
    then: async (page) => {
      await previewImport(page, USERS_HEADER, 'Uma User,uma@example.com,user,Acme Corp;Globex,active', 'Nina New,nina@example.com,user,Acme Corp,', 'Lee Renamed,lee@example.com,user,Acme Corp,');
      await importReport(page, 'Preview').getByLabel('Show unchanged rows').check();
    },
  },
  {
    name: 'import users, result',
    // Each width invites someone of its own: once applied, a file has nothing more to change.
    path: () => '/users/import',
    ready: (page) => importReport(page, 'Result'),
    then: async (page) => {
      await previewImport(page, USERS_HEADER, `Ivy ${widthOf(page)},ivy-${widthOf(page)}@example.com,user,Globex,`);
      await importReport(page, 'Preview').getByRole('button', { name: 'Apply' }).click();
    },
  },
  { name: 'audit log', path: () => '/audit', ready: (page) => page.getByRole('table') },
  { name: 'audit log, filtered', path: () => `/audit?action=ticket.update&actor=${ids.admin}`, ready: (page) => page.getByRole('table') },
  ...EVERYONE,
];

const SETTING_UP: View[] = [
  {
    name: 'profile, recovery codes shown',
    path: () => '/profile',
    ready: (page) => page.getByRole('list', { name: 'Save your recovery codes' }),
    then: async (page) => {
      await twoFactorSection(page).getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secret = (await visible(twoFactorSection(page).locator('.secret'))).textContent();
      await page.getByLabel('Code from the app').fill(totpCode(((await secret) ?? '').replace(/\s+/g, '')));
      await twoFactorSection(page).getByRole('button', { name: 'Confirm' }).click();
    },
  },
];

/** Opens each view in turn and checks it with axe; a failure lists every violation of every view. */
function checks(who: string, views: View[], account: string | null | ((width: 'desktop' | 'phone') => string)) {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    describe(`${who}, at ${width} width`, () => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await openBrowser(server.url, viewport);
        const email = typeof account === 'function' ? account(width) : account;
        if (email) await signIn(browser.page, email, DEFAULT_PASSWORD);
      });
      afterAll(() => browser?.close());

      for (const view of views.filter((v) => !v.only || v.only === width)) {
        it(`${view.name}: no WCAG 2.1 A or AA violation`, async () => {
          const page = browser.page;
          await page.goto(view.path());
          await view.then?.(page);
          await visible(view.ready(page));
          await screenshot(page, `a11y-${width}-${who.replace(/\W+/g, '-')}-${view.name.replace(/\W+/g, '-')}`);
          const violations = await axeViolations(page);
          expect(violations, `axe-core found, in ${view.name} at ${width} width:\n${violations.join('\n')}\n`).toEqual([]);
        });
      }

      it('logged no error in the browser console', () => {
        expect(browser.consoleErrors).toEqual([]);
      });
    });
  }
}

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  checks('a visitor', SIGN_IN, null);
  checks('an admin', ADMIN, accounts.admin);
  checks('a USER', EVERYONE, accounts.user);
  // Confirming turns two-factor on for good: an account of its own at each width.
  checks('a USER setting up two-factor', SETTING_UP, (width) => `tom-${width}@example.com`);
});
