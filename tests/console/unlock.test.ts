/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PHONE, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/** An admin lifts a sign-in lockout from the user's page. */

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
/** The server's default: this many failures for one email lock it out. */
const FAILURES_PER_EMAIL = 10;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a locked-out user', () => {
  it('shows “Locked until” on their page, and Unlock lets them sign in again', async () => {
    const admin = await makeAdmin(server, { name: 'Ada Admin' });
    const lee = await makeUser(server, { name: 'Lee Locked', email: 'lee@example.com' });
    for (let i = 0; i < FAILURES_PER_EMAIL; i++) await server.gql(LOGIN, { email: lee.email, password: 'not the password' });
    const refused = await server.gql(LOGIN, { email: lee.email, password: DEFAULT_PASSWORD });
    expect(refused.errors?.[0]?.extensions.code).toBe('TOO_MANY_REQUESTS');

    await signIn(browser.page, admin.email);
    await browser.page.goto(`/users/${lee.id}`);
    await visible(browser.page.getByRole('heading', { name: 'Lee Locked', level: 1 }));
    const lockout = await visible(browser.page.getByRole('region', { name: 'Sign-in lockout' }));
    expect(await lockout.textContent()).toMatch(/Locked until \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
    await screenshot(browser.page, 'desktop-user-locked');
    await browser.page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(browser.page);
    await screenshot(browser.page, 'phone-user-locked');
    await browser.page.setViewportSize({ width: 1280, height: 800 });

    await lockout.getByRole('button', { name: 'Unlock' }).click();
    await visible(browser.page.getByRole('status').getByText('Unlocked Lee Locked: they can sign in again'));
    await lockout.waitFor({ state: 'detached' });
    expect(await browser.page.getByText('Locked until').count()).toBe(0);
    const allowed = await server.gql(LOGIN, { email: lee.email, password: DEFAULT_PASSWORD });
    expect(allowed.errors).toBeUndefined();

    // A user who is not locked out shows no lockout at all.
    await browser.page.reload();
    await visible(browser.page.getByRole('heading', { name: 'Lee Locked', level: 1 }));
    expect(await browser.page.getByRole('region', { name: 'Sign-in lockout' }).count()).toBe(0);
    expect(browser.consoleErrors).toEqual([]);
  });
});
