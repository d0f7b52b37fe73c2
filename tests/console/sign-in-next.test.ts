import type { Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeAdmin } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openBrowser, signIn, submitSignIn, visible, type Browser } from './support/browser.js';

/**
 * The sign-in page's `next` leads only to a path of the console itself (README, Console →
 * Session). A browser reads a backslash as a slash and drops tabs and newlines, so
 * `/sign-in?next=/%5Cevil.example/x` and `next=/%09/evil.example/x` name another site to it; the
 * console must stay home, whether you sign in on that page or were signed in already.
 */

const ATTACKS = [
  ['a backslash for the second slash', '/%5Cevil.example/x'],
  ['a tab between the slashes', '/%09/evil.example/x'],
  ['a newline between the slashes', '/%0A/evil.example/x'],
] as const;

let server: TestServer;
let browser: Browser;
let admin: Awaited<ReturnType<typeof makeAdmin>>;
/** Every request the browser made to the attacker's site (answered here: there is no internet). */
const visits: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server, { name: 'Ada Admin' });
  browser = await openBrowser(server.url);
  await browser.context.route(/^https?:\/\/evil\.example\//, (route: Route) => {
    visits.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Not the console</h1>' });
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = () => browser.page;
const origin = () => new URL(server.url).origin;
/** The admin's home page, on the console's own origin. */
async function expectHome(): Promise<void> {
  await page().waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  expect(new URL(page().url()).origin).toBe(origin());
  expect(new URL(page().url()).pathname).toBe('/users');
  await visible(page().getByRole('heading', { name: 'Users', level: 1 }));
  expect(visits).toEqual([]);
}

describe('the sign-in page’s next', () => {
  describe('signing in on a link that names another site', () => {
    beforeEach(() => browser.context.clearCookies());

    for (const [what, next] of ATTACKS) {
      it(`stays on the console: next=${next} (${what})`, async () => {
        await page().goto(`/sign-in?next=${next}`);
        await visible(page().getByRole('heading', { name: 'Sign in', level: 1 }));
        await submitSignIn(page(), admin.email);
        await expectHome();
      });
    }
  });

  describe('following such a link while signed in', () => {
    beforeAll(async () => {
      await browser.context.clearCookies();
      await signIn(page(), admin.email);
    });

    for (const [what, next] of ATTACKS) {
      it(`stays on the console: next=${next} (${what})`, async () => {
        await page().goto(`/sign-in?next=${next}`);
        await expectHome();
      });
    }
  });

  it('follows a next that is a page of the console, with its search', async () => {
    await browser.context.clearCookies();
    await page().goto(`/sign-in?next=${encodeURIComponent('/tickets?status=open')}`);
    await submitSignIn(page(), admin.email);
    await visible(page().getByRole('heading', { name: 'Tickets', level: 1 }));
    expect(page().url()).toBe(`${origin()}/tickets?status=open`);
  });

  it('logged no error in the browser console', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
