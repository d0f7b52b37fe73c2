import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TRICKY_TEXTS } from '../support/texts.js';

/**
 * Whatever text people type is stored and read back byte for byte, gets its row a real id, and
 * is found by search, in every text field of the API: user and client names, ticket titles and
 * descriptions, searches, notification messages and audit entries. (The embedded database once
 * ran any statement with a `;` in a value through a multi-statement path that lost the answer.)
 */
let server: TestServer;
let admin: string;
let colleague: { token: string };

beforeAll(async () => {
  server = await startTestServer();
  admin = await login(server, (await makeAdmin(server)).email);
  // A second admin hears of every ticket: the notifications below are theirs.
  colleague = await signedIn(server, { roles: ['admin'] });
});
afterAll(() => server?.close());

async function gql<T = Record<string, any>>(query: string, variables: Record<string, unknown>, token = admin): Promise<T> {
  const res = await server.gql<T>(query, variables, token);
  expect(res.errors, JSON.stringify(variables)).toBeUndefined();
  return res.data!;
}

const isRealId = (id: unknown) => typeof id === 'string' && /^[1-9][0-9]*$/.test(id);

const AUDIT = `query($targetType: String, $targetId: ID, $action: String) {
  auditLog(targetType: $targetType, targetId: $targetId, action: $action) { items { action changes } }
}`;

describe.each(TRICKY_TEXTS.map((text, n) => ({ text, n })))('the text $text', ({ text, n }) => {
  it('as a client name: a real id, read back, renamed, and in the audit log as typed', async () => {
    const { createClient } = await gql('mutation($name: String!) { createClient(input: { name: $name }) { id name } }', { name: text });
    expect(isRealId(createClient.id), `id ${createClient.id}`).toBe(true);
    expect(createClient.name).toBe(text);
    expect((await gql('query($id: ID!) { client(id: $id) { name } }', { id: createClient.id })).client.name).toBe(text);

    const renamed = `${text} (renamed)`;
    const { updateClient } = await gql('mutation($id: ID!, $name: String!) { updateClient(id: $id, input: { name: $name }) { id name } }', { id: createClient.id, name: renamed });
    expect(updateClient).toEqual({ id: createClient.id, name: renamed });

    const { auditLog } = await gql(AUDIT, { targetType: 'client', targetId: createClient.id });
    expect(auditLog.items.map((e: { changes: unknown }) => e.changes)).toEqual([{ name: { from: text, to: renamed } }, { name: { to: text } }]);
  });

  it('as a user name: a real id, read back, found by search, updated by an admin and by the user', async () => {
    const email = `text-${n}@example.com`;
    const { createUser } = await gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id name } }', {
      input: { name: text, email, password: 'a long passphrase' },
    });
    expect(isRealId(createUser.id), `id ${createUser.id}`).toBe(true);
    expect(createUser.name).toBe(text);
    expect((await gql('query($id: ID!) { user(id: $id) { name } }', { id: createUser.id })).user.name).toBe(text);

    const { users } = await gql('query($search: String) { users(search: $search, limit: 1000) { total items { id name } } }', { search: text });
    expect(users.items).toContainEqual({ id: createUser.id, name: text });

    const { auditLog } = await gql(AUDIT, { targetType: 'user', targetId: createUser.id, action: 'user.create' });
    expect(auditLog.items[0].changes.name).toEqual({ to: text });

    const byAdmin = `${text} (by an admin)`;
    expect((await gql('mutation($id: ID!, $name: String) { updateUser(id: $id, input: { name: $name }) { name } }', { id: createUser.id, name: byAdmin })).updateUser.name).toBe(byAdmin);
    const own = await login(server, email, 'a long passphrase');
    const byThemselves = `${text} (by themselves)`;
    expect((await gql('mutation($name: String) { updateMe(input: { name: $name }) { name } }', { name: byThemselves }, own)).updateMe.name).toBe(byThemselves);
    expect((await gql('query { me { name } }', {}, own)).me.name).toBe(byThemselves);
  });

  it('as a ticket title and description: a real id, read back, updated, and quoted in the notification', async () => {
    const { createClient } = await gql('mutation($name: String!) { createClient(input: { name: $name }) { id } }', { name: `Tickets of text ${n}` });
    const description = `${text}\nsecond line: ${text}`;
    const { createTicket } = await gql('mutation($input: CreateTicketInput!) { createTicket(input: $input) { id title description } }', {
      input: { clientId: createClient.id, title: text, description },
    });
    expect(isRealId(createTicket.id), `id ${createTicket.id}`).toBe(true);
    expect(createTicket).toMatchObject({ title: text, description });
    expect((await gql('query($id: ID!) { ticket(id: $id) { title description } }', { id: createTicket.id })).ticket).toEqual({ title: text, description });

    const { notifications } = await gql('query { notifications(limit: 1000) { items { message ticket { id } } } }', {}, colleague.token);
    const heard = notifications.items.find((item: { ticket: { id: string } | null }) => item.ticket?.id === createTicket.id);
    expect(heard?.message).toContain(`"${text}"`);

    const retitled = `${text} (retitled)`;
    const { updateTicket } = await gql('mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id title description status } }', {
      id: createTicket.id,
      input: { title: retitled, description: text, status: 'IN_PROGRESS' },
    });
    expect(updateTicket).toEqual({ id: createTicket.id, title: retitled, description: text, status: 'IN_PROGRESS' });

    const { auditLog } = await gql(AUDIT, { targetType: 'ticket', targetId: createTicket.id, action: 'ticket.update' });
    expect(auditLog.items[0].changes).toMatchObject({ title: { from: text, to: retitled }, description: { from: description, to: text } });
  });
});

describe('searching users for the characters that have a meaning in SQL', () => {
  beforeAll(async () => {
    for (const [n, text] of TRICKY_TEXTS.entries()) await gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { name: `Found ${text}`, email: `found-${n}@example.com`, password: 'a long passphrase' } });
  });

  it.each([';', "'", '"', '\\', '?', '$1', ':name', '--', '/*', '%', '_', '🎉'])('finds exactly the users whose name or email contains %s', async (needle) => {
    const { users } = await gql('query($search: String) { users(search: $search, limit: 1000) { total items { name email } } }', { search: needle });
    const expected = TRICKY_TEXTS.filter((text) => text.includes(needle));
    expect(expected.length, 'a text to find').toBeGreaterThan(0);
    for (const text of expected) expect(users.items.map((u: { name: string }) => u.name)).toContain(`Found ${text}`);
    // Each hit really contains the needle: a wildcard or a quote is matched as itself.
    for (const hit of users.items as { name: string; email: string }[]) expect(`${hit.name} ${hit.email}`).toContain(needle);
    expect(users.total).toBe(users.items.length);
  });
});
