/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { DESKTOP, PHONE, expectNoHorizontalOverflow, expectWithinViewport, openBrowser, screenshot, signIn, submitSignIn, visible, type Browser } from './support/browser.js';

/**
 * Sessions in the console (schema.graphql: mySessions, userSessions, revokeSession,
 * revokeUserSessions, logout). Each browser here is a device of its own: Profile lists where you
 * are signed in, this device marked, and signs the others out; an admin signs a user out
 * everywhere from the user's page. A device signed out is refused on its next request and goes
 * back to sign-in, saying why.
 */

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_ON_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const REVOKED = 'Your session is no longer valid';

let server: TestServer;
let uma: Awaited<ReturnType<typeof makeUser>>;
let ada: Awaited<ReturnType<typeof makeAdmin>>;
/** Uma's devices: this one (Debian's headless Chromium: "Chrome on Linux"), a Windows PC and an iPhone. */
let laptop: Browser;
let pc: Browser;
let phone: Browser;
/** Ada, the admin, on a device of her own. */
let admin: Browser;

beforeAll(async () => {
  server = await startTestServer();
  ada = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com' });
  laptop = await openBrowser(server.url);
  pc = await openBrowser(server.url, DESKTOP, { userAgent: FIREFOX_ON_WINDOWS });
  phone = await openBrowser(server.url, PHONE, { userAgent: SAFARI_ON_IPHONE });
});

afterAll(async () => {
  for (const browser of [laptop, pc, phone, admin]) await browser?.close();
  await server?.close();
});

const sessionList = (page: Page) => page.getByRole('list', { name: 'Where you’re signed in' });
const item = (page: Page, text: string) => sessionList(page).getByRole('listitem').filter({ hasText: text });

/** The device's next navigation (to another page: the same one would load nothing) is refused: back to sign-in, which says why. */
async function expectSentToSignIn(device: Browser): Promise<void> {
  const [link, path] = new URL(device.page.url()).pathname === '/clients' ? ['Tickets', 'tickets'] : ['Clients', 'clients'];
  // On a phone the links are behind the menu.
  const menu = device.page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await device.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await device.page.waitForURL(new RegExp(`/sign-in\\?next=%2F${path}&ended=1$`));
  await visible(signInNotice(device.page));
}

/** Sign-in's own explanation (an announcement of the page left behind may say it too). */
const signInNotice = (page: Page) => page.getByRole('main').getByRole('status').filter({ hasText: REVOKED });

/** Opens Profile and waits until its list shows `n` sessions. */
async function profileWithSessions(page: Page, n: number): Promise<void> {
  await page.goto('/profile');
  await visible(sessionList(page).getByRole('listitem').nth(n - 1));
  expect(await sessionList(page).getByRole('listitem').count()).toBe(n);
}

describe('Profile: where you’re signed in', () => {
  it('lists each open session with its device, address and times, this device marked and offered no Sign out', async () => {
    await signIn(laptop.page, uma.email);
    await signIn(pc.page, uma.email);
    await profileWithSessions(laptop.page, 2);

    const here = item(laptop.page, 'This device');
    expect(await here.count()).toBe(1);
    expect(await here.textContent()).toContain('Chrome on Linux');
    expect(await here.getByRole('button').count()).toBe(0);
    const there = item(laptop.page, 'Firefox on Windows');
    expect(await there.textContent()).toMatch(/127\.0\.0\.1.*Signed in \d{1,2} \w{3} \d{4}, \d\d:\d\d.*Last seen \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
    expect(await there.getByText('This device').count()).toBe(0);
    await visible(there.getByRole('button', { name: /^Sign out Firefox on Windows, signed in / }));
    await screenshot(laptop.page, 'desktop-profile-sessions');
  });

  it('signs another device out after a confirmation; that device goes back to sign-in on its next navigation', async () => {
    await item(laptop.page, 'Firefox on Windows').getByRole('button', { name: /^Sign out/ }).click();
    const dialog = await visible(laptop.page.getByRole('dialog', { name: 'Sign out Firefox on Windows?' }));
    expect(await dialog.textContent()).toContain('ends at once: that device must sign in again');
    await screenshot(laptop.page, 'desktop-profile-sign-out-session-dialog');
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await visible(laptop.page.getByRole('status').getByText('Signed out Firefox on Windows'));
    await item(laptop.page, 'Firefox on Windows').waitFor({ state: 'detached' });
    expect(await sessionList(laptop.page).getByRole('listitem').count()).toBe(1);
    // Nothing else to sign out: the button for the others is gone.
    expect(await laptop.page.getByRole('button', { name: 'Sign out everywhere else' }).count()).toBe(0);

    await expectSentToSignIn(pc);
  });

  it('“Sign out everywhere else” ends every other session and keeps this one', async () => {
    await submitSignIn(pc.page, uma.email);
    await signIn(phone.page, uma.email);
    await profileWithSessions(phone.page, 3);
    await expectNoHorizontalOverflow(phone.page);
    await screenshot(phone.page, 'phone-profile-sessions');
    // On the phone the confirmation fits its long button, and Cancel leaves every session as it was.
    await phone.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    const onPhone = await visible(phone.page.getByRole('dialog', { name: 'Sign out everywhere else?' }));
    for (const button of await onPhone.getByRole('button').all()) await expectWithinViewport(button);
    await screenshot(phone.page, 'phone-profile-sign-out-everywhere-else-dialog');
    await onPhone.getByRole('button', { name: 'Cancel' }).click();
    await onPhone.waitFor({ state: 'hidden' });

    await profileWithSessions(laptop.page, 3);
    await laptop.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    const dialog = await visible(laptop.page.getByRole('dialog', { name: 'Sign out everywhere else?' }));
    expect(await dialog.textContent()).toContain('Your 2 other sessions end at once');
    expect(await dialog.textContent()).toContain('This device stays signed in.');
    await screenshot(laptop.page, 'desktop-profile-sign-out-everywhere-else-dialog');
    await dialog.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await visible(laptop.page.getByRole('status').getByText('Signed out 2 other sessions: only this device is signed in now'));
    await item(laptop.page, 'Safari on iPhone').waitFor({ state: 'detached' });
    expect(await sessionList(laptop.page).getByRole('listitem').count()).toBe(1);
    expect(await item(laptop.page, 'This device').count()).toBe(1);

    await expectSentToSignIn(pc);
    await expectSentToSignIn(phone);
    await profileWithSessions(laptop.page, 1);
  });

  it('Sign out in the sidebar ends the session on the server: the other device no longer lists it', async () => {
    await submitSignIn(pc.page, uma.email);
    await profileWithSessions(laptop.page, 2);
    await pc.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await pc.page.waitForURL(/\/sign-in$/);
    await profileWithSessions(laptop.page, 1);
    expect(await item(laptop.page, 'Firefox on Windows').count()).toBe(0);
  });
});

describe('a user’s page: an admin signs them out everywhere', () => {
  it('shows the user’s open sessions, and after a confirmation ends them all: each of their browsers is refused on its next request', async () => {
    await submitSignIn(pc.page, uma.email);
    await pc.page.goto('/profile');
    await visible(pc.page.getByRole('heading', { name: 'Your profile' }));
    admin = await openBrowser(server.url);
    await signIn(admin.page, ada.email);
    await admin.page.goto(`/users/${uma.id}`);
    const list = admin.page.getByRole('list', { name: 'Open sessions' });
    await visible(list.getByRole('listitem').nth(1));
    expect(await list.getByRole('listitem').count()).toBe(2);
    expect(await list.getByText('This device').count()).toBe(0);
    expect(await list.getByRole('button').count()).toBe(0);
    await visible(list.getByText('Firefox on Windows'));
    await screenshot(admin.page, 'desktop-user-sessions');

    await admin.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: 'Sign Uma User out everywhere?' }));
    expect(await dialog.textContent()).toContain('All 2 of their sessions end, and their tokens stop working at once');
    await screenshot(admin.page, 'desktop-user-sign-out-everywhere-dialog');
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await visible(admin.page.getByRole('status').getByText('Signed Uma User out everywhere: 2 sessions ended'));
    await visible(admin.page.getByText('No open sessions'));
    expect(await list.count()).toBe(0);

    // The laptop's next request, as it is: refused.
    const answer = await laptop.page.evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      return (await response.json()) as { errors?: { message: string; extensions: { code: string } }[] };
    });
    expect(answer.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(answer.errors?.[0]?.message).toContain(REVOKED);
    await expectSentToSignIn(laptop);

    // The PC's next request is a change (Save on Profile): refused, and back to sign-in.
    await pc.page.getByRole('form', { name: 'Details' }).getByLabel('Name').fill('Uma U. User');
    await pc.page.getByRole('button', { name: 'Save' }).click();
    await pc.page.waitForURL(/\/sign-in\?next=%2Fprofile&ended=1$/);
    await visible(signInNotice(pc.page));
    expect((await server.services.users.get(server.system(), uma.id)).name).toBe('Uma User');

    await admin.page.setViewportSize(PHONE);
    await expectNoHorizontalOverflow(admin.page);
    await screenshot(admin.page, 'phone-user-no-sessions');
    await admin.page.setViewportSize(DESKTOP);
  });

  it('on the admin’s own page, says that this device is signed out too, and then it is', async () => {
    await admin.page.goto(`/users/${ada.id}`);
    const list = admin.page.getByRole('list', { name: 'Open sessions' });
    await visible(list.getByRole('listitem').filter({ hasText: 'This device' }));
    await admin.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: 'Sign Ada Admin out everywhere?' }));
    expect(await dialog.textContent()).toContain('This includes this device: you will be signed out too.');
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await admin.page.waitForURL(new RegExp(`/sign-in\\?next=%2Fusers%2F${ada.id}&ended=1$`));
    await visible(signInNotice(admin.page));
  });

  it('logged no error in any browser’s console', () => {
    expect({ laptop: laptop.consoleErrors, pc: pc.consoleErrors, phone: phone.consoleErrors, admin: admin.consoleErrors }).toEqual({ laptop: [], pc: [], phone: [], admin: [] });
  });
});
