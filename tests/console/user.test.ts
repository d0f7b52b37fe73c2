/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectLabelledInputs, openBrowser, screenshot, signIn, submitSignIn, visible, type Browser } from './support/browser.js';

/**
 * A USER's console: their own profile (name, notification preferences, password with the current
 * one) and their clients; never the admin pages, which the server refuses them anyway. And a
 * session revoked elsewhere sends them back to sign-in, saying why.
 */

let server: TestServer;
let browser: Browser;
let user: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  server = await startTestServer();
  await makeAdmin(server);
  const mine = await makeClient(server, 'Umbrella');
  await makeClient(server, 'Not Mine Ltd');
  user = await makeUser(server, { name: 'Uma User', email: 'uma@example.com', clientIds: [mine.id] });
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = () => browser.page;

describe('a USER account', () => {
  it('lands on their profile, with no Users link in the sidebar', async () => {
    await signIn(page(), user.email);
    await page().waitForURL(/\/profile$/);
    await visible(page().getByRole('heading', { name: 'Your profile' }));
    const nav = page().getByRole('navigation', { name: 'Main' });
    await visible(nav.getByRole('link', { name: 'Clients' }));
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await page().getByTestId('signed-in-name').textContent()).toBe('Uma User');
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-user-profile');
  });

  it('never sees the admin pages: they lead back to the profile', async () => {
    for (const path of ['/users', '/users/new', '/users/1']) {
      await page().goto(path);
      await page().waitForURL(/\/profile$/);
    }
  });

  it('is refused the admin operations by the server, whatever the console shows', async () => {
    const answer = await page().evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ users { total } }' }),
      });
      return (await response.json()) as { errors: { extensions: { code: string } }[] };
    });
    expect(answer.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('sees only the clients on their list', async () => {
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page().waitForURL(/\/clients$/);
    await visible(page().getByRole('link', { name: 'Umbrella' }));
    expect(await page().getByText('Not Mine Ltd').count()).toBe(0);
    expect(await page().getByRole('button', { name: 'Create client' }).count()).toBe(0);
    await screenshot(page(), 'desktop-user-clients');
    await page().getByRole('link', { name: 'Umbrella' }).click();
    await visible(page().getByRole('heading', { name: 'Umbrella', level: 1 }));
    expect(await page().getByRole('button', { name: 'Delete' }).count()).toBe(0);
  });

  it('changes their name and notification preferences', async () => {
    await page().goto('/profile');
    await page().getByRole('form', { name: 'Details' }).getByLabel('Name').fill('Uma U. User');
    await page().getByLabel('In-app, in the console').uncheck();
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('status').getByText('Your profile is saved'));
    expect(await page().getByTestId('signed-in-name').textContent()).toBe('Uma U. User');
    const stored = await server.services.users.get(server.system(), user.id);
    expect([stored.name, stored.notifyInUi, stored.notifyByEmail]).toEqual(['Uma U. User', false, true]);
  });

  it('needs the current password to change the password, and stays signed in after', async () => {
    await page().getByLabel('Current password').fill('wrong password');
    await page().getByLabel('New password').fill('a fresh passphrase');
    await page().getByRole('button', { name: 'Change password' }).click();
    await visible(page().locator('#current-password-error').getByText('Is incorrect.'));

    await page().getByLabel('Current password').fill(DEFAULT_PASSWORD);
    await page().getByRole('button', { name: 'Change password' }).click();
    await visible(page().getByRole('status').getByText('Your password is changed'));
    await page().reload();
    await visible(page().getByRole('heading', { name: 'Your profile' }));
  });

  it('goes back to sign-in, saying why, when the session is revoked elsewhere', async () => {
    await server.services.users.update(server.system(), user.id, { password: 'set by an admin meanwhile' });
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page().waitForURL(/\/sign-in/);
    await visible(page().getByText('Your session is no longer valid'));
    await screenshot(page(), 'desktop-sign-in-session-ended');
    await submitSignIn(page(), user.email, 'set by an admin meanwhile');
    await page().waitForURL(/\/clients$/);
  });

  it('logged no error in the browser console', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
