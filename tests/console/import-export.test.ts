/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { PHONE, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';
import { startServerWithEmail, type Mailbox, type ServerWithEmail } from './support/email.js';

/**
 * Export CSV and Import in the console (README: Bulk import and export; schema.graphql:
 * exportUsers, importUsers). The users list exports what its filters select, as the file the
 * server writes; Import previews a file by a dry run (nothing changes), applies it with Apply
 * (new emails invited, with an email; existing users updated), names a file's bad rows by line
 * and offers no Apply, says when a file changes nothing, and shows a file refused whole beside
 * the file field.
 */

let running: ServerWithEmail;
let server: TestServer;
let mail: Mailbox;
let adminToken: string;
let desk: Browser;

const HEADER = 'name,email,roles,clients,status';
const file = (...rows: string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;

beforeAll(async () => {
  running = await startServerWithEmail();
  ({ server, mail } = running);
  const admin = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com', notificationPreferences: { email: false, ui: false } });
  adminToken = await login(server, admin.email);
  const acme = await makeClient(server, 'Acme Corp');
  await makeClient(server, 'Globex');
  await makeUser(server, { name: 'Bea Baker', email: 'bea@acme.test', clientIds: [acme.id] });
  await makeUser(server, { name: 'Carl Cole', email: 'carl@acme.test', clientIds: [acme.id] });
  await makeUser(server, { name: 'Dora Dean', email: 'dora@globex.test' });
  desk = await openBrowser(server.url);
  await signIn(desk.page, admin.email);
});

afterAll(async () => {
  await desk?.close();
  await running?.close();
});

beforeEach(({ task, onTestFailed }) => onTestFailed(() => desk.saveFailure(`import-export ${task.name}`)));

async function exportUsers(variables: Record<string, unknown>): Promise<string> {
  const res = await server.gql<{ exportUsers: string }>('query($search: String, $status: UserStatus) { exportUsers(search: $search, status: $status) }', variables, adminToken);
  expect(res.errors).toBeUndefined();
  return res.data!.exportUsers;
}
const userOf = async (email: string) => (await server.services.users.list(server.system(), { search: email })).items.find((u) => u.email === email);

/** Opens Import from the users list, as a person does. */
async function openImport(page: Page) {
  await page.goto('/users');
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/users\/import$/);
  await visible(page.getByRole('heading', { name: 'Import users', level: 1 }));
}

async function preview(page: Page, csv: string, name = 'users.csv') {
  await page.getByLabel('Users file (CSV)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview' }).click();
}

const report = (page: Page) => page.getByRole('region', { name: /^(Preview|Result)$/ });
const totals = async (page: Page) => {
  const text = async (term: string) => Number(await report(page).locator('dl.totals div').filter({ hasText: term }).locator('dd').textContent());
  return { created: await text('Created'), updated: await text('Updated'), unchanged: await text('Unchanged'), errors: await text('Errors') };
};
const rowOf = (page: Page, email: string) => report(page).getByRole('row').filter({ hasText: email });

describe('Export CSV', () => {
  it('downloads exactly the CSV that exportUsers gives for the list’s filters, named by the day, and says so', async () => {
    const { page } = desk;
    await page.goto('/users?q=acme.test');
    await visible(page.getByRole('link', { name: 'Carl Cole' }));
    await expectLabelledInputs(page);
    await screenshot(page, 'desktop-users-export-import');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^users-\d{4}-\d{2}-\d{2}\.csv$/);
    const downloaded = readFileSync(await download.path(), 'utf8');
    const expected = await exportUsers({ search: 'acme.test' });
    expect(downloaded).toBe(expected);
    expect(downloaded.split('\r\n').slice(1, -1).map((line) => line.split(',')[1])).toEqual(['bea@acme.test', 'carl@acme.test']);
    await visible(page.getByRole('status').getByText(`Exported 2 users to ${download.suggestedFilename()}`));
  });

  it('takes the status filter too', async () => {
    const { page } = desk;
    await page.goto('/users?status=suspended');
    await visible(page.getByText('No suspended users'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(readFileSync(await download.path(), 'utf8')).toBe(await exportUsers({ status: 'SUSPENDED' }));
    expect(readFileSync(await download.path(), 'utf8')).toBe(`${HEADER}\r\n`);
  });
});

describe('Import', () => {
  it('previews a file of new, changed and unchanged rows: the actions and totals, and nothing changed yet', async () => {
    const { page } = desk;
    const exported = (await exportUsers({ search: 'acme.test' })).split('\r\n');
    const bea = exported.find((line) => line.includes('bea@acme.test'))!;
    await openImport(page);
    await expectLabelledInputs(page);
    expect(await page.getByLabel('Users file (CSV)').getAttribute('accept')).toBe('.csv,text/csv');
    const invitations = mail.count('nina@acme.test');
    await preview(page, file(bea, 'Carl Cole-Smith,carl@acme.test,user,Acme Corp;Globex,active', 'Nina New,NINA@acme.test,user,Globex,'));

    await visible(report(page).getByText('Ready to apply: 1 user will be invited and 1 updated'));
    expect(await report(page).textContent()).toContain('Nothing has changed yet');
    expect(await totals(page)).toEqual({ created: 1, updated: 1, unchanged: 1, errors: 0 });
    expect(await rowOf(page, 'nina@acme.test').textContent()).toContain('Created');
    expect(await rowOf(page, 'carl@acme.test').textContent()).toMatch(/Updated.*name, clients/);
    // The unchanged rows are listed on request.
    expect(await rowOf(page, 'bea@acme.test').count()).toBe(0);
    await report(page).getByLabel('Show unchanged rows (1)').check();
    expect(await rowOf(page, 'bea@acme.test').textContent()).toContain('Unchanged');
    await screenshot(page, 'desktop-import-preview-ready');

    // A dry run: nothing has changed.
    expect(await userOf('nina@acme.test')).toBeUndefined();
    expect((await userOf('carl@acme.test'))?.name).toBe('Carl Cole');
    expect(mail.count('nina@acme.test')).toBe(invitations);

    await report(page).getByRole('button', { name: 'Apply' }).click();
    await visible(report(page).getByText('Imported: 1 user invited and 1 updated'));
    expect(await report(page).getByRole('heading', { name: 'Result' }).count()).toBe(1);
    expect(await report(page).textContent()).toContain('Each new user was sent an invitation email');
    expect(await report(page).getByRole('button', { name: 'Apply' }).count()).toBe(0);
    await visible(page.getByRole('status').getByText('Imported: 1 user invited and 1 updated'));
    await screenshot(page, 'desktop-import-applied');

    const nina = await userOf('nina@acme.test');
    expect(nina).toMatchObject({ name: 'Nina New', status: 'invited', roles: ['user'] });
    const carl = await userOf('carl@acme.test');
    expect(carl?.name).toBe('Carl Cole-Smith');
    expect(carl?.clients.map((c) => c.name).sort()).toEqual(['Acme Corp', 'Globex']);
    expect((await mail.next('nina@acme.test', invitations)).subject).toMatch(/invit/i);

    await report(page).getByRole('link', { name: 'Back to Users' }).click();
    await page.waitForURL(/\/users$/);
    await visible(page.getByRole('link', { name: 'Nina New' }));
  });

  it('names a file’s bad rows by line, changes nothing, and offers no Apply', async () => {
    const { page } = desk;
    await openImport(page);
    await preview(page, file('Dora Dean,dora@globex.test,user;boss,,active', 'Olga Other,not-an-email,user,,', 'Pia Plain,pia@acme.test,user,Nowhere Inc,'));
    await visible(report(page).getByText('Nothing was changed: 3 rows have errors'));
    expect(await report(page).textContent()).toContain('Fix lines 2, 3 and 4 of the file');
    expect(await totals(page)).toEqual({ created: 0, updated: 0, unchanged: 0, errors: 3 });
    expect(await report(page).getByRole('button', { name: 'Apply' }).count()).toBe(0);
    // The bad rows come first, each with the server's words.
    const lines = await report(page).locator('tbody tr td:first-child').allTextContents();
    expect(lines).toEqual(['2', '3', '4']);
    expect(await rowOf(page, 'dora@globex.test').textContent()).toMatch(/Error.*roles/);
    expect(await rowOf(page, 'pia@acme.test').textContent()).toMatch(/clients/);
    await visible(page.getByRole('alert').getByText('Nothing was changed: 3 rows have errors'));
    await screenshot(page, 'desktop-import-errors');
    expect(await userOf('pia@acme.test')).toBeUndefined();
  });

  it('says there is nothing to change for a file just exported', async () => {
    const { page } = desk;
    await page.goto('/users');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const exported = readFileSync(await download.path(), 'utf8');
    await openImport(page);
    await preview(page, exported, download.suggestedFilename());
    await visible(report(page).getByText('Nothing to change', { exact: true }));
    const { unchanged } = await totals(page);
    expect(unchanged).toBe((await server.services.users.list(server.system(), {})).total);
    expect(await report(page).getByRole('button', { name: 'Apply' }).count()).toBe(0);
    await visible(report(page).getByText('No row changes anything.'));
    await screenshot(page, 'desktop-import-nothing-to-change');
  });

  it('shows a file refused whole (another header) beside the file field', async () => {
    const { page } = desk;
    await openImport(page);
    await preview(page, 'email,name\r\nx@example.com,X\r\n', 'wrong.csv');
    const error = await visible(page.locator('#import-file-error'));
    expect(await error.textContent()).toMatch(/^Must start with the header line "name,email,roles,clients,status"/);
    expect(await page.getByLabel('Users file (CSV)').getAttribute('aria-invalid')).toBe('true');
    expect(await report(page).count()).toBe(0);
    await screenshot(page, 'desktop-import-wrong-header');
    expect(desk.consoleErrors).toEqual([]);
  });

  it('fits a phone’s width, its preview and its result', async () => {
    const phone = await openBrowser(server.url, PHONE);
    try {
      await signIn(phone.page, 'ada@example.com');
      await phone.page.goto('/users');
      await visible(phone.page.getByRole('button', { name: 'Export CSV' }));
      await expectNoHorizontalOverflow(phone.page);
      await screenshot(phone.page, 'phone-users-export-import');
      await openImport(phone.page);
      await preview(phone.page, file('Quinn Quick,quinn@acme.test,user,Acme Corp,', 'Dora Dean,dora@globex.test,admin;user,,active', 'Bad Row,bad,user,,'));
      await visible(report(phone.page).getByText('Nothing was changed: 1 row has an error'));
      await expectNoHorizontalOverflow(phone.page);
      await screenshot(phone.page, 'phone-import-errors');
      await preview(phone.page, file('Quinn Quick,quinn@acme.test,user,Acme Corp,', 'Dora Dean,dora@globex.test,admin;user,,active'));
      await visible(report(phone.page).getByText('Ready to apply: 1 user will be invited and 1 updated'));
      await expectNoHorizontalOverflow(phone.page);
      await screenshot(phone.page, 'phone-import-preview-ready');
      await report(phone.page).getByRole('button', { name: 'Apply' }).click();
      await visible(report(phone.page).getByText('Imported: 1 user invited and 1 updated'));
      await expectNoHorizontalOverflow(phone.page);
      await screenshot(phone.page, 'phone-import-applied');
      expect((await userOf('dora@globex.test'))?.roles).toEqual(['admin', 'user']);
      expect(phone.consoleErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
