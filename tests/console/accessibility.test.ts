/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { axeViolations } from './support/axe.js';
import { DESKTOP, PHONE, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * Every page of the console, in each state a person meets it in, passes axe-core's WCAG 2.1 A and
 * AA rules at desktop and at phone width: as a visitor signing in, as an admin, and as a USER
 * (each also signed in on another device, so that Profile and a user's page list sessions).
 * A screenshot of each state is left in test-results/screenshots/a11y-*.png.
 */

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const CREATE_TICKET = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }';
const UPDATE_TICKET = 'mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id } }';
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

let server: TestServer;
const ids: Record<string, string> = {};
const accounts = { admin: 'ada@example.com', user: 'uma@example.com' };

async function api(token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await server.gql(query, variables, token);
  if (!res.data) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

beforeAll(async () => {
  server = await startTestServer();
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
});

afterAll(async () => {
  await server?.close();
});

const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 });
const openBell = (page: Page) => page.getByRole('button', { name: /^Notifications/ }).click();
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
  { name: 'tickets', path: () => '/tickets', ready: (page) => page.getByRole('link', { name: 'Printer on fire' }) },
  {
    name: 'new ticket',
    path: () => '/tickets',
    ready: (page) => page.getByRole('heading', { name: 'New ticket', level: 2 }),
    then: (page) => page.getByRole('button', { name: 'New ticket' }).click(),
  },
  { name: 'ticket', path: () => `/tickets/${ids.printer}`, ready: heading('Printer on fire') },
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
  { name: 'user', path: () => `/users/${ids.uma}`, ready: heading('Uma User') },
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
  { name: 'user locked out, no sessions', path: () => `/users/${ids.lee}`, ready: (page) => page.getByRole('region', { name: 'Sign-in lockout' }) },
  { name: 'create user', path: () => '/users/new', ready: heading('Create User') },
  {
    name: 'create user refused',
    path: () => '/users/new',
    ready: (page) => page.locator('#user-name-error'),
    then: (page) => page.getByRole('button', { name: 'Save' }).click(),
  },
  { name: 'users, no match', path: () => '/users?q=nobody-at-all', ready: (page) => page.getByText('No user matches “nobody-at-all”') },
  { name: 'audit log', path: () => '/audit', ready: (page) => page.getByRole('table') },
  { name: 'audit log, filtered', path: () => `/audit?action=ticket.update&actor=${ids.admin}`, ready: (page) => page.getByRole('table') },
  ...EVERYONE,
];

/** Opens each view in turn and checks it with axe; a failure lists every violation of every view. */
function checks(who: string, views: View[], account: string | null) {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    describe(`${who}, at ${width} width`, () => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await openBrowser(server.url, viewport);
        if (account) await signIn(browser.page, account, DEFAULT_PASSWORD);
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
});
