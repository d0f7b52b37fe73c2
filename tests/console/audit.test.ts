/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { DESKTOP, PHONE, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * The audit log page (admins only): an admin changes a user and clients through the console, then
 * finds those changes in the log with the right actor, channel and summary; filters it by action
 * and by actor (typed, or from a user's page); follows a target to its page. A USER never gets in.
 */

let server: TestServer;
let browser: Browser;
let admin: Awaited<ReturnType<typeof makeAdmin>>;
let lee: Awaited<ReturnType<typeof makeUser>>;
let uma: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  lee = await makeUser(server, { name: 'Lee User', email: 'lee@example.com' });
  uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com' });
  await makeClient(server, 'Doomed Ltd');
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = () => browser.page;
const rows = () => page().getByRole('table').locator('tbody tr');
const filters = () => page().getByRole('search', { name: 'Filter the audit log' });

describe('the audit log, as an admin', () => {
  it('shows the admin’s console changes, newest first, with actor, channel and a readable summary', async () => {
    await signIn(page(), admin.email);

    // Rename Lee and give them a new password, on their page.
    await page().goto(`/users/${lee.id}`);
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByLabel('Name').fill('Lee L.');
    await page().getByLabel('Password').fill('a brand new passphrase');
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('heading', { name: 'Lee L.', level: 1 }));

    // Create a client, then delete another.
    await page().goto('/clients');
    await page().getByLabel('Name').fill('Acme Corp');
    await page().getByRole('button', { name: 'Create client' }).click();
    await visible(page().getByRole('status').getByText('Created client Acme Corp'));
    await page().getByRole('link', { name: 'Doomed Ltd' }).click();
    await page().waitForURL(/\/clients\/\d+$/);
    await page().getByRole('button', { name: 'Delete' }).click();
    await page().getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await visible(page().getByRole('status').getByText('Deleted client Doomed Ltd'));

    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page().waitForURL(/\/audit$/);
    await visible(page().getByRole('heading', { name: 'Audit log', level: 1 }));
    for (const header of ['Time', 'Actor', 'Channel', 'Action', 'Target', 'Changes']) await visible(page().getByRole('columnheader', { name: header }));

    // Newest first: the deletion, the creation, the update, the admin's sign-in, then what the CLI did.
    const actions = await rows().locator('.action-label').allTextContents();
    expect(actions.slice(0, 4)).toEqual(['Client deleted', 'Client created', 'User updated', 'Signed in']);

    const update = rows().filter({ hasText: 'User updated' });
    expect(await update.count()).toBe(1);
    expect(await update.getByRole('cell').nth(1).textContent()).toContain('ada@example.com');
    expect(await update.getByRole('cell').nth(2).textContent()).toContain('console');
    expect(await update.locator('.changes li').allTextContents()).toEqual(['name: Lee User → Lee L.', 'password changed']);
    // Never a password or its hash.
    expect(await page().locator('main').textContent()).not.toContain('a brand new passphrase');

    const created = rows().filter({ hasText: 'Client created' }).first();
    expect(await created.locator('.changes li').allTextContents()).toEqual(['name: Acme Corp']);
    // The deleted client's entries name it without a link to a page that is gone.
    const deleted = rows().filter({ hasText: 'Client deleted' });
    expect(await deleted.locator('.changes li').allTextContents()).toEqual(['name was Doomed Ltd']);
    await visible(deleted.getByText('(deleted)'));
    expect(await deleted.getByRole('cell').nth(4).getByRole('link').count()).toBe(0);
    // Each target is named as it was then (a user's email, a client's name), then by type and id.
    expect(await deleted.getByRole('cell').nth(4).textContent()).toMatch(/^Doomed Ltd\s*Client #\d+ \(deleted\)$/);
    const target = update.getByRole('cell').nth(4);
    expect(await target.getByRole('link').textContent()).toBe('lee@example.com');
    expect(await target.textContent()).toBe(`lee@example.com User #${lee.id}`);
    expect(await created.getByRole('cell').nth(4).getByRole('link').textContent()).toBe('Acme Corp');

    // Users made by the operator show as such.
    await visible(rows().filter({ hasText: 'operator (cli)' }).first());
    await visible(page().getByText(/^\d+ entries$/));
    await expectLabelledInputs(page());
    // Without the toasts of the changes above.
    await page().reload();
    await visible(page().getByRole('table'));
    await screenshot(page(), 'desktop-audit');
  });

  it('filters by action with the select, keeping the filter in the URL', async () => {
    await filters().getByLabel('Action').selectOption({ label: 'User updated' });
    await page().waitForURL(/action=user\.update/);
    await visible(page().getByText('1 entry', { exact: true }));
    expect(await rows().locator('.action-label').allTextContents()).toEqual(['User updated']);
    await visible(page().getByRole('list', { name: 'Filters in force' }).getByText('Action: User updated'));
    // A reload keeps it.
    await page().reload();
    await visible(page().getByText('1 entry', { exact: true }));
    expect(await filters().getByLabel('Action').inputValue()).toBe('user.update');

    // A filter that matches nothing says so.
    await filters().getByLabel('Action').selectOption({ label: 'Locked out' });
    await page().waitForURL(/action=login\.lockout/);
    await visible(page().getByText('No entry matches these filters'));
    await screenshot(page(), 'desktop-audit-empty');
    await page().getByRole('link', { name: 'Show every entry' }).click();
    await page().waitForURL(/\/audit$/);
    await visible(page().getByRole('table'));
  });

  it('filters by actor: a typed user id, checked before it is sent', async () => {
    await filters().getByLabel('Actor').fill('ada');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await visible(page().locator('#filter-actor-error').getByText(/user id/));
    expect(page().url()).toMatch(/\/audit$/);

    await filters().getByLabel('Actor').fill(String(admin.id));
    await filters().getByLabel('Actor').press('Enter');
    await page().waitForURL(new RegExp(`actor=${admin.id}`));
    await visible(page().getByRole('list', { name: 'Filters in force' }).getByText(`Actor: Ada Admin (#${admin.id})`));
    const labels = await rows().locator('td.actor').allTextContents();
    expect(labels).toHaveLength(4);
    expect(labels.map((l) => l.trim())).toEqual(Array(labels.length).fill('ada@example.com'));
    expect(await rows().filter({ hasText: 'operator (cli)' }).count()).toBe(0);
  });

  it('opens from a user’s page: their activity, and the changes to them; a target leads to its page', async () => {
    await page().goto(`/users/${admin.id}`);
    await page().getByRole('link', { name: 'Activity' }).click();
    await page().waitForURL(new RegExp(`/audit\\?actor=${admin.id}$`));
    expect(await filters().getByLabel('Actor').inputValue()).toBe(String(admin.id));
    expect(await rows().locator('.action-label').first().textContent()).toBe('Client deleted');

    await page().goto(`/users/${lee.id}`);
    await page().getByRole('link', { name: 'Changes to this user' }).click();
    await page().waitForURL(new RegExp(`/audit\\?target=user:${lee.id}$`));
    await visible(page().getByRole('list', { name: 'Filters in force' }).getByText(`Target: User #${lee.id} (Lee L.)`));
    expect(await rows().locator('.action-label').allTextContents()).toEqual(['User updated', 'User created']);
    expect(await rows().first().locator('.changes li').allTextContents()).toEqual(['name: Lee User → Lee L.', 'password changed']);
    await screenshot(page(), 'desktop-audit-user-target');

    // Removing the filter from its chip shows everything again.
    await page().getByRole('link', { name: 'Remove the target filter' }).click();
    await page().waitForURL(/\/audit$/);

    await rows().filter({ hasText: 'User updated' }).getByRole('link', { name: 'lee@example.com' }).click();
    await page().waitForURL(new RegExp(`/users/${lee.id}$`));
    await visible(page().getByRole('heading', { name: 'Lee L.', level: 1 }));
  });

  it('filters by a time range, and refuses one that ends before it starts', async () => {
    await page().goto('/audit');
    await filters().getByLabel('From', { exact: true }).fill('2030-01-01T00:00');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await page().waitForURL(/from=2030-/);
    await visible(page().getByText('No entry matches these filters'));

    await filters().getByLabel('From', { exact: true }).fill('2020-01-01T00:00');
    await filters().getByLabel('To', { exact: true }).fill('2019-01-01T00:00');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await visible(page().locator('#filter-to-error').getByText('To must not be before From.'));

    await filters().getByLabel('To', { exact: true }).fill('2099-12-31T23:59');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await page().waitForURL(/to=2099-/);
    await visible(page().getByRole('table'));
    expect(await rows().count()).toBeGreaterThan(4);
  });

  it('pages through the log', async () => {
    // 25 entries a page: enough updates for a second one.
    for (let i = 0; i < 26; i++) await server.services.clients.update(server.system(), (await makeClient(server, `Paged ${i}`)).id, { name: `Paged ${i} renamed` });
    await page().goto('/audit?action=client.update');
    await visible(page().getByText('1–25 of 26 entries'));
    await page().getByRole('link', { name: 'Next →' }).click();
    await page().waitForURL(/action=client\.update&page=2/);
    await visible(page().getByText('26–26 of 26 entries'));
    // The oldest last.
    expect(await rows().locator('.changes li').allTextContents()).toEqual(['name: Paged 0 → Paged 0 renamed']);
  });

  it('reads as cards on a phone, with nothing sticking out sideways', async () => {
    await page().setViewportSize(PHONE);
    await page().goto(`/audit?target=user:${lee.id}`);
    await visible(page().getByRole('table'));
    await expectNoHorizontalOverflow(page());
    // Cards: the column headers are for screen readers only; each value says what it is.
    expect((await page().locator('table thead').boundingBox())?.height).toBeLessThanOrEqual(1);
    await screenshot(page(), 'phone-audit');
    await page().goto('/audit');
    await visible(page().getByRole('table'));
    await expectNoHorizontalOverflow(page());
    await page().goto(`/audit?actor=${admin.id}`);
    await visible(page().getByRole('table'));
    await page().getByRole('button', { name: 'Menu' }).click();
    await visible(page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }));
    await screenshot(page(), 'phone-audit-menu');
    await page().setViewportSize(DESKTOP);
    expect(browser.consoleErrors).toEqual([]);
  });
});

describe('the audit log, as a USER', () => {
  it('is not in their sidebar, leads back to their profile, and the API refuses it', async () => {
    await browser.context.clearCookies();
    await signIn(page(), uma.email);
    await page().waitForURL(/\/profile$/);
    expect(await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page().goto('/audit?action=user.update');
    await page().waitForURL(/\/profile$/);
    await visible(page().getByRole('heading', { name: 'Your profile' }));
    const answer = await page().evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
        body: JSON.stringify({ query: '{ auditLog { total } }' }),
      });
      return (await response.json()) as { errors?: { extensions: { code: string } }[] };
    });
    expect(answer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(browser.consoleErrors).toEqual([]);
  });
});
