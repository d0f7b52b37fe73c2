/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../server/domain/errors.js';
import { login, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PHONE, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * API tokens in the console (schema.graphql: myApiTokens, apiTokens, createApiToken,
 * revokeApiToken). Uma makes one on Profile, sees it once and copies it, and a script (fetch,
 * with the token as its Bearer) uses it; the list shows its last use; revoked, it is refused. An
 * admin sees Uma's tokens on her page and revokes one.
 */

let server: TestServer;
let uma: Awaited<ReturnType<typeof makeUser>>;
let ada: Awaited<ReturnType<typeof makeAdmin>>;
let browser: Browser;
let admin: Browser;

beforeAll(async () => {
  server = await startTestServer();
  ada = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com' });
  browser = await openBrowser(server.url);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
});

afterAll(async () => {
  for (const b of [browser, admin]) await b?.close();
  await server?.close();
});

/** What a script does with a token: asks the API who it is, as `Authorization: Bearer`. */
async function whoAmI(token: string): Promise<{ email?: string; code?: string; message?: string }> {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { email } }' }) });
  const body = (await res.json()) as { data?: { me: { email: string } } | null; errors?: { message: string; extensions: { code: string } }[] };
  if (body.data?.me) return { email: body.data.me.email };
  return { code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message };
}

const section = (page: Page) => page.getByRole('region', { name: 'API tokens' });
const tokenList = (page: Page) => page.getByRole('list', { name: 'API tokens' });
const item = (page: Page, name: string) => tokenList(page).getByRole('listitem').filter({ hasText: name });

describe('Profile: API tokens', () => {
  let token = '';

  it('shows that there are none yet, and a form whose fields password managers leave alone', async () => {
    const { page } = browser;
    await signIn(page, uma.email);
    await page.goto('/profile');
    await visible(section(page).getByText('No API tokens'));
    const name = section(page).getByLabel('Name');
    expect(await name.getAttribute('autocomplete')).toBe('off');
    expect(await name.getAttribute('data-1p-ignore')).not.toBeNull();
    expect(await section(page).getByLabel('Expires in (days)').getAttribute('inputmode')).toBe('numeric');
    await expectLabelledInputs(page);
  });

  it('shows the server’s field errors beside Name and Expires in (days)', async () => {
    const { page } = browser;
    await section(page).getByLabel('Expires in (days)').fill('0');
    await section(page).getByRole('button', { name: 'Create token' }).click();
    await visible(page.locator('#api-token-name-error'));
    expect(await page.locator('#api-token-days-error').textContent()).toBe('Must be a whole number of days from 1 to 3650, or left out for a token that never expires.');
    expect(await section(page).getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'desktop-profile-api-token-refused');
  });

  it('makes a token and shows it once, with Copy; the list shows it never used', async () => {
    const { page } = browser;
    await section(page).getByLabel('Name').fill('Nightly export');
    await section(page).getByLabel('Expires in (days)').fill('30');
    await section(page).getByRole('button', { name: 'Create token' }).click();
    const shown = await visible(page.getByRole('region', { name: 'Your new token “Nightly export”' }));
    expect(await shown.textContent()).toContain('Copy it now: it is shown only this once.');
    token = ((await shown.locator('code').textContent()) ?? '').trim();
    expect(token).toMatch(/^trk_\d+_\S+$/);
    await shown.getByRole('button', { name: 'Copy token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const listed = item(page, 'Nightly export');
    await visible(listed);
    expect(await listed.textContent()).toMatch(/Expires: \d{1,2} \w{3} \d{4}/);
    expect(await listed.textContent()).toContain('Last used: Never');
    // The form is ready for another.
    expect(await section(page).getByLabel('Name').inputValue()).toBe('');
    await screenshot(page, 'desktop-profile-api-token-created');
  });

  it('the token works against the API as Uma, and the list then shows its last use', async () => {
    expect(await whoAmI(token)).toEqual({ email: uma.email });
    const { page } = browser;
    // The last use is recorded after the answer: read the page again until it shows.
    for (let tries = 0; tries < 20; tries++) {
      await page.goto('/profile');
      await visible(item(page, 'Nightly export'));
      if (!(await item(page, 'Nightly export').textContent())?.includes('Last used: Never')) break;
      await page.waitForTimeout(250);
    }
    expect(await item(page, 'Nightly export').textContent()).toMatch(/Last used: \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
    // Shown once: the page read again does not have it.
    expect(await page.getByText(token).count()).toBe(0);
  });

  it('revokes it after a confirmation; the token is then refused', async () => {
    const { page } = browser;
    await item(page, 'Nightly export').getByRole('button', { name: 'Revoke Nightly export' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Revoke “Nightly export”?' }));
    expect(await dialog.textContent()).toContain('The token stops working at once');
    await screenshot(page, 'desktop-profile-api-token-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await visible(page.getByRole('status').getByText('Revoked “Nightly export”: it no longer works'));
    await visible(section(page).getByText('No API tokens'));
    expect(await whoAmI(token)).toEqual({ code: 'UNAUTHENTICATED', message: MESSAGES.apiTokenInvalid });
  });

  it('makes a token that never expires, and fits a phone’s width', async () => {
    const phone = await openBrowser(server.url, PHONE);
    try {
      await signIn(phone.page, uma.email);
      await phone.page.goto('/profile');
      await section(phone.page).getByLabel('Name').fill('Backup script');
      await section(phone.page).getByRole('button', { name: 'Create token' }).click();
      await visible(phone.page.getByRole('region', { name: 'Your new token “Backup script”' }));
      expect(await item(phone.page, 'Backup script').textContent()).toContain('Expires: Never');
      await expectNoHorizontalOverflow(phone.page);
      await screenshot(phone.page, 'phone-profile-api-token-created');
      expect(phone.consoleErrors).toEqual([]);
    } finally {
      await phone.close();
    }
    expect(browser.consoleErrors).toEqual([]);
  });
});

describe('a user’s page: an admin sees and revokes their API tokens', () => {
  it('lists the user’s tokens and revokes one; it is then refused', async () => {
    const made = await server.gql<{ createApiToken: { token: string } }>(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { name: 'Report bot' } },
      await login(server, uma.email),
    );
    const token = made.data!.createApiToken.token;
    expect(await whoAmI(token)).toEqual({ email: uma.email });

    admin = await openBrowser(server.url);
    await signIn(admin.page, ada.email);
    await admin.page.goto(`/users/${uma.id}`);
    await visible(item(admin.page, 'Report bot'));
    expect(await tokenList(admin.page).getByRole('listitem').count()).toBe(2);
    await screenshot(admin.page, 'desktop-user-api-tokens');
    await item(admin.page, 'Report bot').getByRole('button', { name: 'Revoke Report bot' }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: 'Revoke “Report bot”?' }));
    expect(await dialog.textContent()).toContain('a script of Uma User’s that uses it');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await visible(admin.page.getByRole('status').getByText('Revoked “Report bot”: it no longer works'));
    await item(admin.page, 'Report bot').waitFor({ state: 'detached' });
    expect(await tokenList(admin.page).getByRole('listitem').count()).toBe(1);
    expect(await whoAmI(token)).toEqual({ code: 'UNAUTHENTICATED', message: MESSAGES.apiTokenInvalid });
    expect(admin.consoleErrors).toEqual([]);
  });
});
