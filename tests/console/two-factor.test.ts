/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/auth/totp.js';
import { MESSAGES } from '../../server/domain/errors.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PHONE, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * Two-factor authentication in the console (schema.graphql: startTotpEnrollment,
 * confirmTotpEnrollment, verifyTwoFactor, disableTwoFactor, resetTwoFactor). Uma sets it up from
 * Profile with real codes computed from the secret the page shows (as her phone's app would),
 * saves her recovery codes, then signs in with her password and a code, or a recovery code once;
 * she turns it off with her password. An admin resets it from her page. With
 * TWO_FACTOR_REQUIRED_FOR=admin, an admin without it is sent to set it up, and can work after.
 */

const STEP_MS = 30_000;

let server: TestServer;
let uma: Awaited<ReturnType<typeof makeUser>>;
let ada: Awaited<ReturnType<typeof makeAdmin>>;
let browser: Browser;
let admin: Browser;
let phone: Browser;
/** What Uma's authenticator app holds, read from the page as she would type it. */
let secret = '';
let recoveryCodes: string[] = [];
/** The last time step a code was used at: the server accepts each step once, so each sign-in uses the next. */
let lastStep = 0;

/** A code of Uma's app the server has not seen yet: of the current step, or of the next one (accepted as clock drift). */
function freshCode(): string {
  const now = Date.now();
  const step = Math.max(Math.floor(now / STEP_MS), lastStep + 1);
  lastStep = step;
  return totpCode(secret, step * STEP_MS);
}

/** A code that is no step's near now (the real one, with its last digit changed). */
function wrongCode(): string {
  const right = new Set([-1, 0, 1].map((d) => totpCode(secret, Date.now() + d * STEP_MS)));
  let code = totpCode(secret);
  while (right.has(code)) code = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  return code;
}

const sql = (statement: string, values: unknown[] = []) => server.db.database.orm.em.getConnection().execute(statement, values);

beforeAll(async () => {
  server = await startTestServer();
  ada = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com' });
  browser = await openBrowser(server.url);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
});

afterAll(async () => {
  for (const b of [browser, admin, phone]) await b?.close();
  await server?.close();
});

const section = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' });

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(/\/sign-in$/);
}

/** The password step of a user with two-factor on: the page asks for the code. */
async function passwordStep(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in?next=%2Ftickets');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { name: 'Two-factor authentication', level: 1 }));
}

describe('Profile: setting up two-factor authentication', () => {
  it('shows Off and, on Set up, a QR code drawn in the page and the secret as text', async () => {
    const { page } = browser;
    await signIn(page, uma.email);
    await page.goto('/profile');
    await visible(section(page).getByText('Off', { exact: true }));
    await section(page).getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = await visible(section(page).getByRole('img', { name: /^QR code to add Tracker System to your authenticator app/ }));
    // Drawn here, as an SVG of the otpauth:// URL: nothing is asked of another site.
    const src = (await qr.getAttribute('src')) ?? '';
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    expect(decodeURIComponent(src)).toContain('<svg');
    const shown = (await section(page).locator('.secret').textContent()) ?? '';
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    secret = shown.replace(/\s+/g, '');
    const input = page.getByLabel('Code from the app');
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    await expectLabelledInputs(page);
    await section(page).getByRole('button', { name: 'Copy secret' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(page, 'desktop-profile-two-factor-setup');
  });

  it('can be cancelled: nothing changes, and a new set-up gives a new secret', async () => {
    const { page } = browser;
    await section(page).getByRole('button', { name: 'Cancel' }).click();
    await visible(section(page).getByRole('button', { name: 'Set up two-factor authentication' }));
    const read = await server.gql('query($id: ID!) { user(id: $id) { twoFactorEnabled } }', { id: String(uma.id) }, await login(server, ada.email));
    expect(read.data?.user.twoFactorEnabled).toBe(false);
    await section(page).getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const shown = ((await visible(section(page).locator('.secret'))) && (await section(page).locator('.secret').textContent())) ?? '';
    expect(shown.replace(/\s+/g, '')).not.toBe(secret);
    secret = shown.replace(/\s+/g, '');
  });

  it('refuses a wrong code beside the field, in the server’s words', async () => {
    const { page } = browser;
    await page.getByLabel('Code from the app').fill(wrongCode());
    await section(page).getByRole('button', { name: 'Confirm' }).click();
    await visible(page.locator('#totp-code-error').getByText('Is not the current code of your authenticator app.'));
    expect(await page.getByLabel('Code from the app').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'desktop-profile-two-factor-wrong-code');
  });

  it('turns it on with a current code and shows the ten recovery codes once, to copy and to download', async () => {
    const { page } = browser;
    await page.getByLabel('Code from the app').fill(freshCode());
    await section(page).getByRole('button', { name: 'Confirm' }).click();
    const list = await visible(page.getByRole('list', { name: 'Save your recovery codes' }));
    recoveryCodes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(await section(page).textContent()).toContain('These codes are shown only this once.');
    await screenshot(page, 'desktop-profile-two-factor-recovery-codes');

    await section(page).getByRole('button', { name: 'Copy codes' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(recoveryCodes.join('\n'));

    const [download] = await Promise.all([page.waitForEvent('download'), section(page).getByRole('button', { name: 'Download as .txt' }).click()]);
    expect(download.suggestedFilename()).toBe('tracker-recovery-codes.txt');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain(`recovery codes for ${uma.email}`);
    for (const code of recoveryCodes) expect(text).toContain(`\n${code}\n`);

    await section(page).getByRole('button', { name: 'Done' }).click();
    await visible(section(page).getByText('On', { exact: true }));
    expect(await section(page).getByRole('list').count()).toBe(0);
    // Shown once: Profile, read again, has no codes to show.
    await page.reload();
    await visible(section(page).getByRole('button', { name: 'Disable' }));
    expect(await page.getByText(recoveryCodes[0]!).count()).toBe(0);
  });
});

describe('signing in with two-factor on', () => {
  it('asks for the code after the password; a wrong code is refused in the server’s words; the right one signs in and goes on to next', async () => {
    const { page } = browser;
    await signOut(page);
    await passwordStep(page, uma.email);
    const input = page.getByLabel('Authentication code');
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    expect(await page.getByText('A recovery code works here too.').count()).toBe(1);
    await expectLabelledInputs(page);
    await screenshot(page, 'desktop-sign-in-two-factor');

    await input.fill(wrongCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page.getByRole('alert').getByText(MESSAGES.twoFactorCodeWrong));
    // Still the second step: another code can be typed.
    expect(await page.getByLabel('Authentication code').inputValue()).toBe('');

    // As an app shows it, with a space in the middle.
    const code = freshCode();
    await page.getByLabel('Authentication code').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/tickets$/);
    await visible(page.getByRole('heading', { name: 'Tickets', level: 1 }));
  });

  it('signs in with a recovery code, once: the same code is refused the next time', async () => {
    const { page } = browser;
    await signOut(page);
    await passwordStep(page, uma.email);
    await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
    const input = await visible(page.getByLabel('Recovery code'));
    expect(await input.getAttribute('inputmode')).toBe('text');
    await screenshot(page, 'desktop-sign-in-recovery-code');
    await input.fill(recoveryCodes[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/tickets$/);

    await signOut(page);
    await passwordStep(page, uma.email);
    await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page.getByRole('alert').getByText(MESSAGES.twoFactorCodeWrong));
    await page.getByLabel('Recovery code').fill(recoveryCodes[1]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/tickets$/);
  });

  it('an expired sign-in goes back to the password, saying so', async () => {
    const { page } = browser;
    await signOut(page);
    await passwordStep(page, uma.email);
    await sql(`update "two_factor_challenges" set "expires_at" = now() - interval '1 second'`);
    // (The server looks no further than the challenge: the code is not used up.)
    await page.getByLabel('Authentication code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page.getByRole('alert').getByText(MESSAGES.twoFactorChallengeInvalid));
    await visible(page.getByRole('heading', { name: 'Sign in', level: 1 }));
    expect(await page.getByLabel('Email').inputValue()).toBe(uma.email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    // The password again, and a code (a recovery code: the app's next code may not be due yet): signed in.
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(recoveryCodes[2]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/tickets$/);
  });

  it('fits a phone’s width', async () => {
    phone = await openBrowser(server.url, PHONE);
    await passwordStep(phone.page, uma.email);
    await expectNoHorizontalOverflow(phone.page);
    await screenshot(phone.page, 'phone-sign-in-two-factor');
  });
});

describe('Profile: turning two-factor off', () => {
  it('asks for the current password, refuses a wrong one beside the field, and turns it off with the right one', async () => {
    const { page } = browser;
    await page.goto('/profile');
    await section(page).getByRole('button', { name: 'Disable' }).click();
    await section(page).getByLabel('Current password').fill('not my password');
    await section(page).getByRole('button', { name: 'Turn off two-factor' }).click();
    await visible(page.locator('#two-factor-password-error').getByText('Is incorrect.'));
    await screenshot(page, 'desktop-profile-two-factor-disable-refused');
    await section(page).getByLabel('Current password').fill(DEFAULT_PASSWORD);
    await section(page).getByRole('button', { name: 'Turn off two-factor' }).click();
    await visible(section(page).getByText('Off', { exact: true }));
    await visible(page.getByRole('status').getByText('Two-factor authentication is off: signing in asks for your password only'));

    await signOut(page);
    await signIn(page, uma.email);
  });
});

describe('a user’s page: an admin resets two-factor', () => {
  it('shows whether it is on, and Reset two-factor turns it off after a confirmation', async () => {
    // Uma sets it up again (through the API, as her console would).
    const token = await login(server, uma.email);
    const started = await server.gql<{ startTotpEnrollment: { secret: string } }>('mutation { startTotpEnrollment { secret otpauthUrl } }', {}, token);
    secret = started.data!.startTotpEnrollment.secret;
    lastStep = 0;
    const confirmed = await server.gql('mutation($code: String!) { confirmTotpEnrollment(code: $code) }', { code: freshCode() }, token);
    expect(confirmed.errors).toBeUndefined();

    admin = await openBrowser(server.url);
    await signIn(admin.page, ada.email);
    await admin.page.goto(`/users/${uma.id}`);
    const fact = admin.page.locator('#two-factor-fact');
    await visible(fact);
    expect(await fact.textContent()).toBe('On');
    await admin.page.getByRole('button', { name: 'Reset two-factor' }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: 'Reset two-factor for Uma User?' }));
    expect(await dialog.textContent()).toContain('their authenticator app and recovery codes stop working');
    await screenshot(admin.page, 'desktop-user-reset-two-factor-dialog');
    await dialog.getByRole('button', { name: 'Reset two-factor' }).click();
    await visible(admin.page.getByRole('status').getByText(/^Two-factor authentication is off for Uma User/));
    await dialog.waitFor({ state: 'hidden' });
    expect(await fact.textContent()).toBe('Off');
    expect(await admin.page.getByRole('button', { name: 'Reset two-factor' }).count()).toBe(0);

    // Her password alone signs her in now.
    await signOut(browser.page);
    await signIn(browser.page, uma.email);
    expect(browser.consoleErrors).toEqual([]);
    expect(admin.consoleErrors).toEqual([]);
  });
});

describe('TWO_FACTOR_REQUIRED_FOR=admin', () => {
  let strict: TestServer;
  let newcomer: Browser;

  beforeAll(async () => {
    strict = await startTestServer({ twoFactorRequiredFor: 'admin' });
  });
  afterAll(async () => {
    await newcomer?.close();
    await strict?.close();
  });

  it('sends an admin without it to set it up, and lets them work once it is on', async () => {
    const boss = await makeAdmin(strict, { name: 'Bea Boss', email: 'bea@example.com' });
    await makeUser(strict, { name: 'Uma User', email: 'uma@example.com' });
    newcomer = await openBrowser(strict.url);
    const { page } = newcomer;
    await page.goto('/sign-in?next=%2Fusers');
    await page.getByLabel('Email').fill(boss.email);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/profile\?setup=two-factor&next=%2Fusers$/);
    await visible(page.getByRole('heading', { name: 'Set up two-factor authentication first' }));
    // Only the set-up: the rest of Profile is what the server refuses until then.
    expect(await page.getByRole('heading', { name: 'API tokens' }).count()).toBe(0);
    await screenshot(page, 'desktop-profile-two-factor-required');

    // Another page is refused the same way, and sends back here.
    await page.goto('/clients');
    await page.waitForURL(/\/profile\?setup=two-factor&next=%2Fclients$/);

    await section(page).getByRole('button', { name: 'Set up two-factor authentication' }).click();
    secret = ((await visible(section(page).locator('.secret'))) && (await section(page).locator('.secret').textContent()))!.replace(/\s+/g, '');
    lastStep = 0;
    await page.getByLabel('Code from the app').fill(freshCode());
    await section(page).getByRole('button', { name: 'Confirm' }).click();
    await visible(page.getByRole('list', { name: 'Save your recovery codes' }));
    await section(page).getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/clients$/);
    await visible(page.getByRole('heading', { name: 'Clients', level: 1 }));
    await page.goto('/users');
    await visible(page.getByRole('link', { name: 'Uma User' }));
    expect(newcomer.consoleErrors).toEqual([]);
  });
});
