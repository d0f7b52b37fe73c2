/// <reference lib="dom" />
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PHONE, expectLabelledInputs, expectNoHorizontalOverflow, holdAnimationFrames, openBrowser, screenshot, signIn, visible, type Browser } from './support/browser.js';

/**
 * The seed's "User Management via Admin Panel", step by step, in Chromium against the built
 * console and a real server on a fresh database: an admin signs in, manages clients and users
 * (create, view, edit, delete with confirmation), and signs out.
 */

let server: TestServer;
let browser: Browser;
let admin: Awaited<ReturnType<typeof makeAdmin>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server, { name: 'Ada Admin', email: 'ada@example.com' });
  browser = await openBrowser(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = () => browser.page;
beforeEach(({ task, onTestFailed }) => onTestFailed(() => browser.saveFailure(`admin ${task.name}`)));
const userByEmail = async (email: string) => (await server.services.users.list(server.system(), { search: email })).items.find((u) => u.email === email);

describe('serving', () => {
  it('serves the console at / and for client-side routes, hashed assets for a year, without shadowing the API', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    const html = await home.text();
    expect(html).toContain('<title>Tracker System</title>');
    const deep = await fetch(`${server.url}/users/42`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const asset = /\/_app\/immutable\/[^"]+\.js/.exec(html)![0];
    const script = await fetch(`${server.url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/_app/immutable/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('signing in', () => {
  it('sends a visitor to sign-in, and shows the API’s message on wrong credentials', async () => {
    await page().goto('/users');
    await page().waitForURL(/\/sign-in/);
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-sign-in');
    await page().getByLabel('Email').fill(admin.email);
    await page().getByLabel('Password').fill('not the password');
    await page().getByRole('button', { name: 'Sign in' }).click();
    const alert = await visible(page().getByRole('alert').filter({ hasText: 'Incorrect email or password' }).first());
    expect(await alert.textContent()).toContain('Incorrect email or password');
    await screenshot(page(), 'desktop-sign-in-error');
  });

  it('signs in from the keyboard and lands on the Users page it came for', async () => {
    await page().getByLabel('Email').fill(admin.email);
    await page().getByLabel('Email').press('Tab');
    await page().keyboard.type(DEFAULT_PASSWORD);
    await page().keyboard.press('Enter');
    await page().waitForURL(/\/users$/);
    await visible(page().getByRole('heading', { name: 'Users', level: 1 }));
    const sidebar = page().getByRole('complementary');
    await visible(sidebar.getByRole('link', { name: 'Users' }));
    await visible(sidebar.getByRole('link', { name: 'Clients' }));
    expect(await sidebar.getByTestId('signed-in-name').textContent()).toBe('Ada Admin');
  });

  it('keeps the session over a reload (an httpOnly cookie the page cannot read)', async () => {
    await page().reload();
    await visible(page().getByRole('heading', { name: 'Users', level: 1 }));
    expect(await page().evaluate(() => document.cookie)).not.toContain('tracker_session');
    const cookies = await browser.context.cookies();
    expect(cookies.find((c) => c.name === 'tracker_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });
});

describe('clients', () => {
  it('creates clients, refusing a duplicate name beside the field', async () => {
    await page().getByRole('complementary').getByRole('link', { name: 'Clients' }).click();
    await page().waitForURL(/\/clients$/);
    await visible(page().getByText('No clients yet'));
    await screenshot(page(), 'desktop-clients-empty');
    for (const name of ['Acme Corp', 'Globex', 'Initech']) {
      await page().getByLabel('Name').fill(name);
      await page().getByRole('button', { name: 'Create client' }).click();
      await visible(page().getByRole('link', { name }));
      await visible(page().getByRole('status').getByText(`Created client ${name}`));
    }
    await page().getByLabel('Name').fill('acme corp');
    await page().getByRole('button', { name: 'Create client' }).click();
    await visible(page().locator('#client-name-error').getByText('A client with this name already exists'));
    expect(await page().getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-clients');
  });

  it('renames a client', async () => {
    await page().getByRole('link', { name: 'Initech' }).click();
    await page().waitForURL(/\/clients\/\d+$/);
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByLabel('Name').fill('Initech Europe');
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('heading', { name: 'Initech Europe', level: 1 }));
    await visible(page().getByRole('status').getByText('Renamed to Initech Europe'));
  });
});

describe('users', () => {
  it('shows BAD_USER_INPUT field errors beside their fields and announces the failure', async () => {
    await page().goto('/users');
    await page().getByRole('link', { name: 'Create User' }).click();
    await page().waitForURL(/\/users\/new$/);
    await page().getByLabel('Email').fill('not-an-email');
    await page().getByLabel('Password').fill('short');
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().locator('#user-name-error'));
    expect(await page().locator('#user-name-error').textContent()).toBe('Must not be empty.');
    expect(await page().locator('#user-email-error').textContent()).toMatch(/valid email/);
    expect(await page().locator('#user-password-error').textContent()).toMatch(/at least 8 bytes/);
    expect(await page().getByLabel('Name').getAttribute('aria-describedby')).toContain('user-name-error');
    await visible(page().getByRole('alert').filter({ hasText: 'Could not create the user' }));
    await screenshot(page(), 'desktop-create-user-errors');
  });

  it('creates a user with Name, Email, Password, Roles, Client List and notification preferences, then Save', async () => {
    await page().getByLabel('Name').fill('Grace Hopper');
    await page().getByLabel('Email').fill('grace@example.com');
    await page().getByLabel('Password').fill('a long passphrase');
    const roles = page().getByRole('group', { name: 'Roles' });
    await roles.getByLabel('Admin').check();
    await roles.getByLabel('User').check();
    const clients = page().getByRole('group', { name: 'Client List' });
    await clients.getByLabel('Acme Corp').check();
    await clients.getByLabel('Globex').check();
    await page().getByLabel('By e-mail message').uncheck();
    await expectLabelledInputs(page());
    await screenshot(page(), 'desktop-create-user');
    // A double press sends one request: the button is busy (disabled) until the answer.
    await page().getByRole('button', { name: 'Save' }).dblclick();
    await page().waitForURL(/\/users\/\d+$/);
    await visible(page().getByRole('heading', { name: 'Grace Hopper', level: 1 }));
    await visible(page().getByRole('status').getByText('Created Grace Hopper'));

    const stored = await userByEmail('grace@example.com');
    expect(stored!.roles.sort()).toEqual(['admin', 'user']);
    expect(stored!.clients.map((c) => c.name).sort()).toEqual(['Acme Corp', 'Globex']);
    expect({ email: stored!.notifyByEmail, ui: stored!.notifyInUi }).toEqual({ email: false, ui: true });
    expect((await server.services.users.list(server.system(), { search: 'grace@' })).total).toBe(1);
    await screenshot(page(), 'desktop-user-detail');
  });

  it('lists users with Name, Email, Roles and client names; the name leads to the profile', async () => {
    for (let i = 1; i <= 24; i++) await makeUser(server, { name: `Paged Person ${String(i).padStart(2, '0')}`, email: `paged${i}@example.com` });
    await page().goto('/users');
    const table = page().getByRole('table');
    for (const header of ['Name', 'Email', 'Roles', 'Client List']) await visible(table.getByRole('columnheader', { name: header }));
    const grace = table.getByRole('row').filter({ hasText: 'grace@example.com' });
    await visible(grace);
    expect(await grace.textContent()).toMatch(/Grace Hopper.*grace@example\.com.*Admin.*User.*Acme Corp.*Globex/);
    await screenshot(page(), 'desktop-users');
    await grace.getByRole('link', { name: 'Grace Hopper' }).click();
    await page().waitForURL(/\/users\/\d+$/);
    await visible(page().getByRole('heading', { name: 'Grace Hopper', level: 1 }));
  });

  it('searches, pages and sorts the list', async () => {
    await page().goto('/users');
    await page().getByLabel('Search users').fill('grace');
    await page().waitForURL(/q=grace/);
    await visible(page().getByText('1 user matching “grace”'));
    expect(await page().getByRole('table').getByRole('row').count()).toBe(2);
    await page().getByLabel('Search users').fill('nobody-at-all');
    await visible(page().getByText('No user matches “nobody-at-all”'));

    await page().goto('/users');
    await visible(page().getByText('1–20 of 26 users'));
    await page().getByRole('link', { name: 'Next →' }).click();
    await visible(page().getByText('21–26 of 26 users'));

    await page().goto('/users');
    await page().getByRole('columnheader', { name: 'Name' }).getByRole('link').click();
    await page().waitForURL(/dir=desc/);
    await visible(page().getByRole('columnheader', { name: 'Name' }).and(page().locator('[aria-sort="descending"]')));
    const first = page().getByRole('table').getByRole('row').nth(1);
    expect(await first.getByRole('link').first().textContent()).toBe('Paged Person 24');
    await page().getByRole('columnheader', { name: 'Email' }).getByRole('link').click();
    await page().waitForURL(/sort=email/);
    expect(await page().getByRole('table').getByRole('row').nth(1).getByRole('link').first().textContent()).toBe('Ada Admin');
  });

  // In a browser of its own whose clock stands still, so that the search's pause ends exactly when
  // the test says: while Create User is still loading (its clients held back), and after it came.
  it('does not pull you back to the list when you leave it while a search is still pending', async () => {
    const other = await openBrowser(server.url);
    try {
      const { page } = other;
      await page.clock.install();
      await signIn(page, admin.email);
      await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const loading = new Promise<void>((resolve) =>
        page.route('**/graphql', async (route) => {
          if (route.request().postDataJSON()?.operationName === 'Clients') {
            resolve();
            await released;
          }
          await route.continue();
        }),
      );
      await page.getByLabel('Search users').fill('gra');
      await page.getByRole('link', { name: 'Create User' }).click();
      await loading;
      await page.clock.runFor(1000);
      release();
      await visible(page.getByRole('heading', { name: 'Create User', level: 1 }));
      await page.clock.runFor(1000);
      expect(new URL(page.url()).pathname).toBe('/users/new');
      expect(other.consoleErrors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('edits a user: Edit, change, Save', async () => {
    await page().goto('/users?q=grace');
    await page().getByRole('link', { name: 'Grace Hopper' }).click();
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByLabel('Name').fill('Grace B. Hopper');
    await page().getByRole('group', { name: 'Roles' }).getByLabel('Admin').uncheck();
    await page().getByRole('group', { name: 'Client List' }).getByLabel('Globex').uncheck();
    await page().getByRole('group', { name: 'Client List' }).getByLabel('Initech Europe').check();
    await screenshot(page(), 'desktop-user-edit');
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('heading', { name: 'Grace B. Hopper', level: 1 }));
    await visible(page().getByRole('status').getByText('Saved Grace B. Hopper'));
    const stored = await userByEmail('grace@example.com');
    expect(stored!.roles).toEqual(['user']);
    expect(stored!.clients.map((c) => c.name).sort()).toEqual(['Acme Corp', 'Initech Europe']);
  });

  // Edit used to move the focus to Name in the next animation frame: whatever the person had
  // clicked into by then lost the focus, and the rest of what they typed went into Name.
  it('keeps the field a person clicks into right after Edit, however late the next frame comes', async () => {
    await page().goto('/users?q=grace');
    await page().getByRole('link', { name: 'Grace B. Hopper' }).click();
    await visible(page().getByRole('heading', { name: 'Grace B. Hopper', level: 1 }));
    const frames = await holdAnimationFrames(page());
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByLabel('Email').click();
    await frames.release();
    await page().keyboard.press('ControlOrMeta+A');
    await page().keyboard.type('ada@example.com');
    expect(await page().getByLabel('Email').inputValue()).toBe('ada@example.com');
    expect(await page().getByLabel('Name').inputValue()).toBe('Grace B. Hopper');
    await page().getByRole('button', { name: 'Cancel' }).click();
    await visible(page().getByRole('button', { name: 'Edit' }));
  });

  it('shows an edit’s field errors beside the fields', async () => {
    await page().goto('/users?q=grace');
    await page().getByRole('link', { name: 'Grace B. Hopper' }).click();
    await page().waitForURL(/\/users\/\d+$/);
    await page().getByRole('button', { name: 'Edit' }).click();
    await page().getByLabel('Email').fill('ada@example.com');
    await page().getByRole('button', { name: 'Save' }).click();
    await visible(page().getByRole('alert').filter({ hasText: 'A user with this email already exists' }).first());
    await page().getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows who can access a client, from the client', async () => {
    await page().goto('/clients');
    await page().getByRole('link', { name: 'Acme Corp' }).click();
    const access = page().getByRole('region', { name: 'Who can access this client' });
    await visible(access.getByRole('link', { name: 'Grace B. Hopper' }));
    await screenshot(page(), 'desktop-client-detail');
  });

  it('deletes a user only after the in-page confirmation', async () => {
    await page().goto('/users?q=grace');
    await page().getByRole('link', { name: 'Grace B. Hopper' }).click();
    await page().waitForURL(/\/users\/\d+$/);
    await page().getByRole('button', { name: 'Delete' }).click();
    const dialog = await visible(page().getByRole('dialog', { name: 'Delete Grace B. Hopper?' }));
    await screenshot(page(), 'desktop-user-delete-dialog');
    // Cancelling (Escape) deletes nothing.
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await userByEmail('grace@example.com')).toBeDefined();

    await page().getByRole('button', { name: 'Delete' }).click();
    await visible(dialog);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page().waitForURL(/\/users$/);
    await visible(page().getByRole('status').getByText('Deleted Grace B. Hopper'));
    expect(await userByEmail('grace@example.com')).toBeUndefined();
    expect(await page().getByRole('link', { name: 'Grace B. Hopper' }).count()).toBe(0);
  });

  it('deletes a client after confirmation', async () => {
    await page().goto('/clients');
    await page().getByRole('link', { name: 'Globex' }).click();
    await page().getByRole('button', { name: 'Delete' }).click();
    const dialog = await visible(page().getByRole('dialog'));
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page().waitForURL(/\/clients$/);
    await visible(page().getByRole('status').getByText('Deleted client Globex'));
    expect(await page().getByRole('link', { name: 'Globex' }).count()).toBe(0);
  });

  it('offers a search in the Client List when there are many clients', async () => {
    for (let i = 1; i <= 10; i++) await makeClient(server, `Bulk client ${i}`);
    await page().goto('/users/new');
    const clients = page().getByRole('group', { name: 'Client List' });
    await clients.getByLabel('Search clients').fill('bulk client 1');
    await visible(clients.getByLabel('Bulk client 10'));
    expect(await clients.getByRole('checkbox').count()).toBe(2);
  });
});

describe('phone width', () => {
  it('collapses the sidebar behind a menu button and never overflows sideways', async () => {
    await page().setViewportSize(PHONE);
    for (const [path, name] of [
      ['/users', 'phone-users'],
      ['/users/new', 'phone-create-user'],
      ['/clients', 'phone-clients'],
      ['/profile', 'phone-profile'],
    ] as const) {
      await page().goto(path);
      await visible(page().getByRole('heading', { level: 1 }));
      await expectNoHorizontalOverflow(page());
      await screenshot(page(), name);
    }
    const nav = page().getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page().getByRole('button', { name: 'Menu' }).click();
    await visible(nav.getByRole('link', { name: 'Users' }));
    await screenshot(page(), 'phone-menu');
    await nav.getByRole('link', { name: 'Users' }).click();
    await page().waitForURL(/\/users$/);
    expect(await nav.isVisible()).toBe(false);
    await page().goto('/users?q=paged');
    await page().getByRole('link', { name: 'Paged Person 01' }).click();
    await visible(page().getByRole('heading', { name: 'Paged Person 01' }));
    await expectNoHorizontalOverflow(page());
    await screenshot(page(), 'phone-user-detail');
    await page().setViewportSize({ width: 1280, height: 800 });
  });
});

describe('signing out', () => {
  it('signs out from the sidebar; the pages then need a sign-in again', async () => {
    await page().goto('/users');
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().waitForURL(/\/sign-in$/);
    expect((await browser.context.cookies()).find((c) => c.name === 'tracker_session')).toBeUndefined();
    await page().goto('/users');
    await page().waitForURL(/\/sign-in\?next=%2Fusers$/);
    expect(await page().getByText('Your session').count()).toBe(0);
  });

  it('logged no error in the browser console', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
