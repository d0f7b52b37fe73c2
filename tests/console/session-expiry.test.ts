import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openBrowser, signIn, submitSignIn, visible, type Browser } from './support/browser.js';

/** A session that runs out: the next page goes back to sign-in and says the session expired. */

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ jwtExpiresInSeconds: 3 });
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('an expired session', () => {
  it('returns to sign-in with a short explanation, then back where it was', async () => {
    const admin = await makeAdmin(server);
    await signIn(browser.page, admin.email);
    await browser.page.goto('/clients');
    await visible(browser.page.getByRole('heading', { name: 'Clients', level: 1 }));
    await browser.page.waitForTimeout(3500);
    await browser.page.reload();
    await browser.page.waitForURL(/\/sign-in\?next=%2Fclients&ended=1$/);
    await visible(browser.page.getByText('Your session has expired; sign in again.'));
    await submitSignIn(browser.page, admin.email);
    await browser.page.waitForURL(/\/clients$/);
    expect(browser.consoleErrors).toEqual([]);
  });
});
