/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_DESCRIPTION_MAX_LENGTH } from '../../server/domain/tickets.js';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PHONE, expectLabelledInputs, expectNoHorizontalOverflow, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * Tickets and the notification bell in Chromium against the built console and a real server: a
 * USER sees and changes only the tickets of their clients, hears about a colleague's changes through
 * the bell, and an ADMIN sees every client's tickets and filters them.
 */

const CREATE = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id status } }';
const TICKET = 'query($id: ID!) { ticket(id: $id) { id status title createdBy { name } } }';
const UNREAD = 'query { notifications(unreadOnly: true, limit: 1000) { unread items { id } } }';
const MARK_READ = 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }';

let server: TestServer;
let browser: Browser;
let uma: Awaited<ReturnType<typeof makeUser>>;
let admin: Awaited<ReturnType<typeof makeAdmin>>;
const tokens: Record<'admin' | 'cole' | 'uma', string> = { admin: '', cole: '', uma: '' };
const ids: Record<string, string> = {};

async function api<T = Record<string, any>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await server.gql<T>(query, variables, token);
  if (!res.data) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

async function ticket(token: string, clientId: string, title: string): Promise<string> {
  return (await api<{ createTicket: { id: string } }>(token, CREATE, { input: { clientId, title, description: `About ${title}.` } })).createTicket.id;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  const acme = await makeClient(server, 'Acme Corp');
  const globex = await makeClient(server, 'Globex');
  const initech = await makeClient(server, 'Initech');
  Object.assign(ids, { acme: String(acme.id), globex: String(globex.id), initech: String(initech.id) });
  uma = await makeUser(server, { name: 'Uma User', email: 'uma@example.com', clientIds: [acme.id, globex.id] });
  const cole = await makeUser(server, { name: 'Cole League', email: 'cole@example.com', clientIds: [acme.id] });
  tokens.admin = await login(server, admin.email);
  tokens.cole = await login(server, cole.email);
  tokens.uma = await login(server, uma.email);
  ids.printer = await ticket(tokens.cole, ids.acme, 'Printer on fire');
  ids.certificate = await ticket(tokens.admin, ids.globex, 'Renew the certificate');
  await api(tokens.admin, UPDATE, { id: ids.certificate, input: { status: 'IN_PROGRESS' } });
  ids.secret = await ticket(tokens.admin, ids.initech, 'Secret Initech work');
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = () => browser.page;
const nav = () => page().getByRole('navigation', { name: 'Main' });
const rows = () => page().getByRole('table').getByRole('row');
const bellButton = () => page().getByRole('button', { name: /^Notifications/ });

describe('Tickets as a USER', () => {
  it('lists only the tickets of their clients, and offers only those clients', async () => {
    await signIn(page(), uma.email);
    await nav().getByRole('link', { name: 'Tickets' }).click();
    await page().waitForURL(/\/tickets$/);
    await visible(page().getByRole('heading', { name: 'Tickets', level: 1 }));
    await visible(page().getByRole('link', { name: 'Printer on fire' }));
    await visible(page().getByRole('link', { name: 'Renew the certificate' }));
    expect(await page().getByText('Secret Initech work').count()).toBe(0);
    expect(await rows().count()).toBe(3);
    const certificate = rows().filter({ hasText: 'Renew the certificate' });
    expect(await certificate.textContent()).toMatch(/Renew the certificate.*Globex.*In progress.*Ada Admin/);
    const clientFilter = page().getByRole('search', { name: 'Filter tickets' }).getByLabel('Client');
    expect(await clientFilter.locator('option').allTextContents()).toEqual(['All your clients', 'Acme Corp', 'Globex']);
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-tickets-user');
  });

  it('is refused another client’s ticket, by the server, on its page', async () => {
    await page().goto(`/tickets/${ids.secret}`);
    await visible(page().getByRole('heading', { name: 'Not allowed' }));
    expect(await page().getByText('Secret Initech work').count()).toBe(0);
    await page().goto('/tickets/999999');
    await visible(page().getByRole('heading', { name: 'Not found' }));
    await visible(page().getByText('The ticket with this id does not exist in the system'));
  });

  it('creates a ticket: Client, Title, Description; field errors beside the fields', async () => {
    await page().goto('/tickets');
    await page().getByRole('button', { name: 'New ticket' }).click();
    const form = page().getByRole('form', { name: 'New ticket' });
    await visible(form);
    expect(await form.getByLabel('Client').locator('option').allTextContents()).toEqual(['Choose a client', 'Acme Corp', 'Globex']);
    await form.getByLabel('Client').selectOption({ label: 'Acme Corp' });
    await form.getByLabel('Title').fill('   ');
    await form.getByRole('button', { name: 'Create ticket' }).click();
    await visible(page().locator('#ticket-title-error'));
    expect(await page().locator('#ticket-title-error').textContent()).toBe('Must not be empty.');
    expect(await form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await visible(page().getByRole('alert').filter({ hasText: 'Could not create the ticket' }));
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-ticket-create-errors');

    await form.getByLabel('Title').fill('Coffee machine leaks');
    await form.getByLabel('Description').fill('Since Monday.\nUnder the sink, too.');
    await form.getByRole('button', { name: 'Create ticket' }).click();
    await page().waitForURL(/\/tickets\/\d+$/);
    await visible(page().getByRole('heading', { name: 'Coffee machine leaks', level: 1 }));
    await visible(page().getByRole('status').getByText(/Created ticket #\d+ Coffee machine leaks/));
    ids.coffee = page().url().split('/').pop()!;
    const details = page().getByRole('region', { name: 'Details' });
    expect(await details.textContent()).toMatch(/Client\s*Acme Corp.*Status\s*Open.*Created by\s*Uma User.*Created.*Updated/s);
    await visible(page().getByText('Under the sink, too.'));
    const stored = await api<{ ticket: { status: string; createdBy: { name: string } } }>(tokens.admin, TICKET, { id: ids.coffee });
    expect(stored.ticket).toMatchObject({ status: 'OPEN', createdBy: { name: 'Uma User' } });
    await screenshot(page(), 'desktop-ticket-detail');
  });

  it('edits its title and description on its page, with the server’s refusals beside the fields', async () => {
    await page().getByRole('button', { name: 'Edit' }).click();
    const form = await visible(page().getByRole('form', { name: 'Edit ticket' }));
    expect(await form.getByLabel('Title').inputValue()).toBe('Coffee machine leaks');
    expect(await form.getByLabel('Description').inputValue()).toBe('Since Monday.\nUnder the sink, too.');
    await form.getByLabel('Title').fill('   ');
    // The field's maxlength stops a person typing more; the server is asked anyway, as if it had not.
    await form.getByLabel('Description').evaluate((el: HTMLTextAreaElement, text) => {
      el.removeAttribute('maxlength');
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 'x'.repeat(TICKET_DESCRIPTION_MAX_LENGTH + 1));
    await form.getByRole('button', { name: 'Save' }).click();
    await visible(page().locator('#ticket-title-error').getByText('Must not be empty.'));
    await visible(page().locator('#ticket-description-error'));
    expect(await form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Description').getAttribute('aria-describedby')).toContain('ticket-description-error');
    await visible(page().getByRole('alert').filter({ hasText: 'Could not save the ticket' }));
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-ticket-edit-errors');
    // Nothing was changed.
    expect((await api<{ ticket: { title: string } }>(tokens.admin, TICKET, { id: ids.coffee })).ticket.title).toBe('Coffee machine leaks');

    await form.getByLabel('Title').fill('Coffee machine leaks again');
    await form.getByLabel('Description').fill('Since Monday.\nNow under the fridge as well.');
    await form.getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('heading', { name: 'Coffee machine leaks again', level: 1 }));
    await visible(page().getByRole('status').getByText(`Saved ticket #${ids.coffee} Coffee machine leaks again`));
    await visible(page().getByText('Now under the fridge as well.'));
    expect(await page().getByRole('form', { name: 'Edit ticket' }).count()).toBe(0);
    const stored = await api<{ ticket: { title: string; description: string; status: string } }>(tokens.admin, 'query($id: ID!) { ticket(id: $id) { title description status } }', { id: ids.coffee });
    expect(stored.ticket).toEqual({ title: 'Coffee machine leaks again', description: 'Since Monday.\nNow under the fridge as well.', status: 'OPEN' });

    // Cancel leaves it as it was.
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByRole('form', { name: 'Edit ticket' }).getByLabel('Title').fill('Not this');
    await page().getByRole('button', { name: 'Cancel' }).click();
    await visible(page().getByRole('heading', { name: 'Coffee machine leaks again', level: 1 }));
    await page().setViewportSize(PHONE);
    await page().getByRole('button', { name: 'Edit' }).click();
    await visible(page().getByRole('form', { name: 'Edit ticket' }));
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-ticket-edit');
    await page().getByRole('button', { name: 'Cancel' }).click();
    await page().setViewportSize({ width: 1280, height: 800 });
  });

  it('changes its status', async () => {
    const status = page().getByRole('group', { name: 'Status' });
    await status.getByLabel('In progress').check();
    await visible(page().getByRole('status').getByText('Status changed to In progress'));
    expect((await api<{ ticket: { status: string } }>(tokens.admin, TICKET, { id: ids.coffee })).ticket.status).toBe('IN_PROGRESS');
    await status.getByLabel('Done').check();
    await visible(page().getByRole('status').getByText('Status changed to Done'));
    expect((await api<{ ticket: { status: string } }>(tokens.admin, TICKET, { id: ids.coffee })).ticket.status).toBe('DONE');
    expect(await status.getByLabel('Done').isChecked()).toBe(true);
  });

  it('deletes it only after the in-page confirmation', async () => {
    await page().getByRole('button', { name: 'Delete' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: `Delete ticket #${ids.coffee}?` }));
    await screenshot(page(), 'desktop-ticket-delete-dialog');
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await server.gql(TICKET, { id: ids.coffee }, tokens.admin)).data?.ticket).toBeTruthy();

    await page().getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page().waitForURL(/\/tickets$/);
    await visible(page().getByRole('status').getByText(`Deleted ticket #${ids.coffee} Coffee machine leaks again`));
    expect(await page().getByRole('link', { name: 'Coffee machine leaks again' }).count()).toBe(0);
    expect((await server.gql(TICKET, { id: ids.coffee }, tokens.admin)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('the notification bell', () => {
  it('counts a colleague’s changes after a navigation', async () => {
    // Start from nothing unread: what the setup and earlier steps produced is read.
    const unread = await api<{ notifications: { items: { id: string }[] } }>(tokens.uma, UNREAD);
    await api(tokens.uma, MARK_READ, { ids: unread.notifications.items.map((n) => n.id) });
    await page().goto('/profile');
    await visible(page().getByRole('button', { name: 'Notifications', exact: true }));
    expect(await page().getByTestId('unread-count').count()).toBe(0);

    await api(tokens.cole, UPDATE, { id: ids.printer, input: { status: 'IN_PROGRESS' } });
    await nav().getByRole('link', { name: 'Tickets' }).click();
    await visible(page().getByRole('button', { name: 'Notifications, 1 unread' }));
    ids.toner = await ticket(tokens.cole, ids.acme, 'Out of toner');
    await nav().getByRole('link', { name: 'Clients' }).click();
    await visible(page().getByRole('button', { name: 'Notifications, 2 unread' }));
    expect(await page().getByTestId('unread-count').textContent()).toBe('2');
  });

  it('lists them newest first; a notification’s link opens its ticket and marks it read', async () => {
    await bellButton().click();
    const panel = await visible(page().getByRole('region', { name: 'Notifications' }));
    const items = panel.getByRole('listitem');
    await visible(items.first());
    // Newest first: the two unread ones (marked so), then the older, read ones.
    expect(await panel.getByText(/· unread$/).count()).toBe(2);
    expect(await items.nth(2).textContent()).not.toContain('unread');
    expect(await items.nth(0).textContent()).toMatch(/Cole League created ticket #\d+ "Out of toner" of Acme Corp/);
    expect(await items.nth(1).textContent()).toMatch(/Cole League changed the status of ticket #\d+ "Printer on fire" of Acme Corp from open to in progress/);
    await screenshot(page(), 'desktop-notifications');

    await items.nth(1).getByRole('link').click();
    await page().waitForURL(new RegExp(`/tickets/${ids.printer}$`));
    await visible(page().getByRole('heading', { name: 'Printer on fire', level: 1 }));
    await visible(page().getByRole('button', { name: 'Notifications, 1 unread' }));
    expect(await panel.count()).toBe(0);
  });

  it('marks all read: the count goes to 0', async () => {
    await bellButton().click();
    const panel = await visible(page().getByRole('region', { name: 'Notifications' }));
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await visible(page().getByRole('button', { name: 'Notifications', exact: true }));
    expect(await page().getByTestId('unread-count').count()).toBe(0);
    expect((await api<{ notifications: { unread: number } }>(tokens.uma, UNREAD)).notifications.unread).toBe(0);
    expect(await panel.getByText('unread').count()).toBe(0);
    await page().keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });
});

describe('phone width', () => {
  it('shows the tickets, a ticket and the bell without overflowing sideways', async () => {
    await page().setViewportSize(PHONE);
    await page().goto('/tickets');
    await visible(page().getByRole('heading', { name: 'Tickets', level: 1 }));
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-tickets');
    await page().getByRole('link', { name: 'Printer on fire' }).click();
    await visible(page().getByRole('heading', { name: 'Printer on fire', level: 1 }));
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-ticket-detail');
    await api(tokens.cole, UPDATE, { id: ids.printer, input: { status: 'DONE' } });
    await page().goto('/tickets');
    await bellButton().click();
    await visible(page().getByRole('region', { name: 'Notifications' }).getByRole('listitem').first());
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-notifications');
    await page().setViewportSize({ width: 1280, height: 800 });
  });
});

describe('Tickets as an ADMIN', () => {
  it('sees every client’s tickets and filters them by client and by status', async () => {
    await page().goto('/tickets');
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().waitForURL(/\/sign-in$/);
    await signIn(page(), admin.email);
    await page().goto('/tickets');
    await visible(page().getByRole('link', { name: 'Secret Initech work' }));
    expect(await rows().count()).toBe(5);
    const filters = page().getByRole('search', { name: 'Filter tickets' });
    expect(await filters.getByLabel('Client').locator('option').allTextContents()).toEqual(['All clients', 'Acme Corp', 'Globex', 'Initech']);

    await filters.getByLabel('Client').selectOption({ label: 'Acme Corp' });
    await page().waitForURL(new RegExp(`/tickets\\?client=${ids.acme}$`));
    await visible(page().getByText('2 tickets', { exact: true }));
    expect(await rows().count()).toBe(3);
    await visible(page().getByRole('link', { name: 'Printer on fire' }));
    await visible(page().getByRole('link', { name: 'Out of toner' }));

    await filters.getByLabel('Status').selectOption({ label: 'Done' });
    await page().waitForURL(new RegExp(`/tickets\\?client=${ids.acme}&status=done$`));
    await visible(page().getByText('1 ticket', { exact: true }));
    expect(await rows().nth(1).textContent()).toMatch(/Printer on fire.*Acme Corp.*Done/);
    await screenshot(page(), 'desktop-tickets-admin-filtered');

    await filters.getByLabel('Client').selectOption({ label: 'All clients' });
    await filters.getByLabel('Status').selectOption({ label: 'In progress' });
    await page().waitForURL(/\/tickets\?status=in-progress$/);
    await visible(page().getByText('1 ticket', { exact: true }));
    await visible(page().getByRole('link', { name: 'Renew the certificate' }));

    await filters.getByLabel('Client').selectOption({ label: 'Initech' });
    await visible(page().getByText('No ticket matches these filters'));
    // The filters travel in the URL: a reload keeps them.
    await page().reload();
    expect(await page().getByRole('search', { name: 'Filter tickets' }).getByLabel('Status').inputValue()).toBe('IN_PROGRESS');
  });

  it('pages through many tickets', async () => {
    for (let i = 1; i <= 21; i++) await ticket(tokens.admin, ids.initech, `Bulk ticket ${String(i).padStart(2, '0')}`);
    await page().goto(`/tickets?client=${ids.initech}`);
    await visible(page().getByText('1–20 of 22 tickets'));
    await page().getByRole('link', { name: 'Next →' }).click();
    await visible(page().getByText('21–22 of 22 tickets'));
    expect(page().url()).toMatch(new RegExp(`client=${ids.initech}&page=2$`));
    await screenshot(page(), 'desktop-tickets-admin-page-2');
  });

  it('logged no error in the browser console', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
