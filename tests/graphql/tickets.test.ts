import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../server/entities/ticket.entity.js';
import { login, makeAdmin, makeClient, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Tickets over HTTP (README: Using the API, "Tickets and notifications"; schema.graphql): that a
 * scope refusal reaches the caller, anonymous callers, paging, validation and its field problems,
 * createdBy, status changes, the client that still has tickets (CONFLICT), and the statements a
 * page costs. The client scope itself, for every operation and in the data layer, is specified on
 * the service: tests/services/ticket.service.test.ts. And notifications (on a server of their
 * own): who hears of a new ticket or a status change, in the app and by email, as their
 * preferences say and never the actor; the in-app list, its paging and unread count, marking
 * read, and what a notification shows once its ticket is gone or out of the reader's scope.
 */

const TICKET_FIELDS = 'id title description status client { id name } createdBy { id name clients { id } } createdAt updatedAt';
const TICKETS = `query($clientId: ID, $status: TicketStatus, $skip: Int, $limit: Int) {
  tickets(clientId: $clientId, status: $status, skip: $skip, limit: $limit) { total skip limit items { ${TICKET_FIELDS} } }
}`;
const TICKET = `query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} } }`;
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { ${TICKET_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteTicket(id: $id) }';
const DELETE_CLIENT = 'mutation($id: ID!) { deleteClient(id: $id) }';
const DELETE_USER = 'mutation($id: ID!) { deleteUser(id: $id) }';
const UPDATE_USER = 'mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }';
const NOTIFICATIONS = `query($unreadOnly: Boolean, $skip: Int, $limit: Int) {
  notifications(unreadOnly: $unreadOnly, skip: $skip, limit: $limit) {
    total unread skip limit items { id message createdAt readAt ticket { id title status client { id } } }
  }
}`;
const MARK_READ = 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }';

const TICKET_NOT_FOUND = 'The ticket with this id does not exist in the system';

interface TicketJson {
  id: string;
  title: string;
  description: string;
  status: 'OPEN' | 'IN_PROGRESS' | 'DONE';
  client: { id: string; name: string };
  createdBy: { id: string; name: string; clients: { id: string }[] } | null;
  createdAt: string;
  updatedAt: string;
}
interface TicketPageJson {
  total: number;
  skip: number;
  limit: number;
  items: TicketJson[];
}
interface NotificationJson {
  id: string;
  message: string;
  createdAt: string;
  readAt: string | null;
  ticket: { id: string; title: string; status: string; client: { id: string } } | null;
}
interface NotificationPageJson {
  total: number;
  unread: number;
  skip: number;
  limit: number;
  items: NotificationJson[];
}

type Res = Awaited<ReturnType<TestServer['gql']>>;
const codeOf = (res: Res) => res.errors?.[0]?.extensions.code;
const ids = (list: { id: string }[]) => list.map((t) => t.id);
const byIdDesc = (list: string[]) => [...list].sort((a, b) => Number(b) - Number(a));

let sequence = 0;
const uniqueTitle = (label = 'Ticket') => `${label} ${process.pid}-${++sequence}`;

/** Helpers bound to one server. */
function api(server: TestServer) {
  return {
    async createTicket(token: string, clientId: number | string, title = uniqueTitle(), description?: string): Promise<TicketJson> {
      const input: Record<string, unknown> = { clientId: String(clientId), title };
      if (description !== undefined) input.description = description;
      const res = await server.gql<{ createTicket: TicketJson }>(CREATE, { input }, token);
      if (!res.data?.createTicket) throw new Error(`createTicket failed: ${JSON.stringify(res.errors)}`);
      return res.data.createTicket;
    },
    tickets: (token: string | undefined, variables: Record<string, unknown> = {}) => server.gql<{ tickets: TicketPageJson }>(TICKETS, variables, token),
    ticket: (token: string | undefined, id: string | number) => server.gql<{ ticket: TicketJson }>(TICKET, { id: String(id) }, token),
    update: (token: string | undefined, id: string | number, input: Record<string, unknown>) =>
      server.gql<{ updateTicket: TicketJson }>(UPDATE, { id: String(id), input }, token),
    remove: (token: string | undefined, id: string | number) => server.gql<{ deleteTicket: string }>(DELETE, { id: String(id) }, token),
    async notifications(token: string, variables: Record<string, unknown> = {}): Promise<NotificationPageJson> {
      const res = await server.gql<{ notifications: NotificationPageJson }>(NOTIFICATIONS, variables, token);
      if (!res.data?.notifications) throw new Error(`notifications failed: ${JSON.stringify(res.errors)}`);
      return res.data.notifications;
    },
    async markRead(token: string, notificationIds: string[]): Promise<number> {
      const res = await server.gql<{ markNotificationsRead: number }>(MARK_READ, { ids: notificationIds }, token);
      if (res.data?.markNotificationsRead === undefined || res.data?.markNotificationsRead === null) {
        throw new Error(`markNotificationsRead failed: ${JSON.stringify(res.errors)}`);
      }
      return res.data.markNotificationsRead;
    },
    /** Every row of the email outbox, oldest first. */
    async outbox(): Promise<{ recipient: string; subject: string; text: string }[]> {
      const rows = await server.db.database.orm.em.getConnection().execute('select recipient, subject, text from outbox_emails order by id');
      return rows as { recipient: string; subject: string; text: string }[];
    },
  };
}

/** The console link for a ticket, matched so that /tickets/1 does not also match /tickets/12. */
const linkPattern = (id: string) => new RegExp(`http://console\\.test/tickets/${id}(?!\\d)`);

// ---------------------------------------------------------------------------------------------

describe('tickets over the API', () => {
  let server: TestServer;
  let t: ReturnType<typeof api>;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    t = api(server);
    const admin = await makeAdmin(server);
    adminToken = await login(server, admin.email);
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Clients A, B, C with tickets (made by an admin), and a USER with [A, B]. */
  async function scopedWorld() {
    const [a, b, c] = [await makeClient(server), await makeClient(server), await makeClient(server)];
    const a1 = await t.createTicket(adminToken, a.id, uniqueTitle('A1'));
    const c1 = await t.createTicket(adminToken, c.id, uniqueTitle('C1'));
    const b1 = await t.createTicket(adminToken, b.id, uniqueTitle('B1'));
    const a2 = await t.createTicket(adminToken, a.id, uniqueTitle('A2'));
    const c2 = await t.createTicket(adminToken, c.id, uniqueTitle('C2'));
    const { user, token } = await signedIn(server, { clientIds: [a.id, b.id] });
    return { a, b, c, a1, a2, b1, c1, c2, user, token };
  }

  async function allTicketCount(): Promise<number> {
    return server.system().em.count(Ticket, {});
  }

  describe('scope over the API', () => {
    // The rule itself, for every operation, is specified on the service (tests/services/ticket.service.test.ts);
    // here, that a refusal reaches the caller as FORBIDDEN and tells nothing of the ticket.
    it('ticket(id) of a ticket of their clients works; of another client’s ticket is FORBIDDEN', async () => {
      const w = await scopedWorld();
      const ok = await t.ticket(w.token, w.b1.id);
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.ticket).toMatchObject({ id: w.b1.id, title: w.b1.title, client: { id: String(w.b.id) } });

      const res = await t.ticket(w.token, w.c1.id);
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(JSON.stringify(res.errors)).not.toContain(w.c1.title);
    });
  });

  it('anonymous callers are UNAUTHENTICATED everywhere', async () => {
    const w = await scopedWorld();
    const calls: Res[] = [
      await t.tickets(undefined),
      await t.ticket(undefined, w.a1.id),
      await server.gql(CREATE, { input: { clientId: String(w.a.id), title: 'Anon' } }),
      await t.update(undefined, w.a1.id, { title: 'Anon' }),
      await t.remove(undefined, w.a1.id),
      await server.gql(NOTIFICATIONS, {}),
      await server.gql(MARK_READ, { ids: ['1'] }),
    ];
    for (const res of calls) {
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
    }
    const still = (await t.ticket(adminToken, w.a1.id)).data!.ticket;
    expect(still.title).toBe(w.a1.title);
  });

  describe('paging', () => {
    it('skip and limit page through newest first; total counts them all', async () => {
      const client = await makeClient(server);
      const made: TicketJson[] = [];
      for (let i = 0; i < 7; i++) made.push(await t.createTicket(adminToken, client.id, uniqueTitle(`Page ${i}`)));
      const newestFirst = made.map((m) => m.id).reverse();

      const res = await t.tickets(adminToken, { clientId: String(client.id), skip: 2, limit: 3 });
      expect(res.errors).toBeUndefined();
      expect(res.data!.tickets).toMatchObject({ total: 7, skip: 2, limit: 3 });
      expect(ids(res.data!.tickets.items)).toEqual(newestFirst.slice(2, 5));

      const last = await t.tickets(adminToken, { clientId: String(client.id), skip: 5, limit: 3 });
      expect(ids(last.data!.tickets.items)).toEqual(newestFirst.slice(5));
      expect(last.data!.tickets.total).toBe(7);

      const past = await t.tickets(adminToken, { clientId: String(client.id), skip: 10, limit: 3 });
      expect(past.data!.tickets).toEqual({ total: 7, skip: 10, limit: 3, items: [] });

      const first = await t.tickets(adminToken, { clientId: String(client.id) });
      expect(first.data!.tickets).toMatchObject({ total: 7, skip: 0, limit: 100 });
      expect(ids(first.data!.tickets.items)).toEqual(newestFirst);
      const created = first.data!.tickets.items.map((i) => new Date(i.createdAt).getTime());
      expect(created).toEqual([...created].sort((x, y) => y - x));
    });

    it('a bad skip or limit is BAD_USER_INPUT', async () => {
      for (const [variables, field] of [
        [{ skip: -1 }, 'skip'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
      ] as const) {
        const res = await t.tickets(adminToken, variables);
        expect(res.data).toBeNull();
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0]!.extensions.fields).toHaveProperty(field);
      }
    });
  });

  describe('validation', () => {
    it('the title is trimmed; the description defaults to ""', async () => {
      const client = await makeClient(server);
      const res = await server.gql<{ createTicket: TicketJson }>(CREATE, { input: { clientId: String(client.id), title: '   Printer on fire  ' } }, adminToken);
      expect(res.errors).toBeUndefined();
      expect(res.data!.createTicket).toMatchObject({ title: 'Printer on fire', description: '', status: 'OPEN' });
      const fetched = (await t.ticket(adminToken, res.data!.createTicket.id)).data!.ticket;
      expect(fetched.title).toBe('Printer on fire');
      expect(fetched.description).toBe('');

      const withDescription = await t.createTicket(adminToken, client.id, 'Described', 'Line one\nline two');
      expect(withDescription.description).toBe('Line one\nline two');
    });

    it('a title of "", of blanks, or of 201 characters is BAD_USER_INPUT on fields.title, and nothing is created; 200 is fine', async () => {
      const client = await makeClient(server);
      const before = await allTicketCount();
      for (const title of ['', '   ', 'x'.repeat(201)]) {
        const res = await server.gql(CREATE, { input: { clientId: String(client.id), title } }, adminToken);
        expect(res.data).toBeNull();
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0]!.extensions.fields).toHaveProperty('title');
        expect(typeof res.errors![0]!.extensions.fields!.title).toBe('string');
      }
      expect(await allTicketCount()).toBe(before);

      const max = await t.createTicket(adminToken, client.id, 'y'.repeat(200));
      expect(max.title).toHaveLength(200);
      expect(await allTicketCount()).toBe(before + 1);
    });

    it('updateTicket with a bad title is BAD_USER_INPUT and changes nothing (all or nothing)', async () => {
      const client = await makeClient(server);
      const ticket = await t.createTicket(adminToken, client.id, uniqueTitle('Keep'));
      for (const title of ['', 'z'.repeat(201)]) {
        const res = await t.update(adminToken, ticket.id, { title, status: 'DONE', description: 'changed' });
        expect(res.data).toBeNull();
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0]!.extensions.fields).toHaveProperty('title');
      }
      const after = (await t.ticket(adminToken, ticket.id)).data!.ticket;
      expect(after).toMatchObject({ title: ticket.title, status: 'OPEN', description: '' });
    });

    it('a clientId that does not exist (ADMIN) is BAD_USER_INPUT on fields.clientId', async () => {
      const before = await allTicketCount();
      const res = await server.gql(CREATE, { input: { clientId: '987654', title: 'Orphan' } }, adminToken);
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.fields).toHaveProperty('clientId');
      expect(await allTicketCount()).toBe(before);
    });

    it('a ticket id that is not a positive integer is BAD_USER_INPUT', async () => {
      for (const id of ['abc', '0', '-3']) {
        const res = await t.ticket(adminToken, id);
        expect(res.data).toBeNull();
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('createdBy', () => {
    it('is the creator; null once that user is deleted, and the ticket stays', async () => {
      const client = await makeClient(server);
      const { user, token } = await signedIn(server, { clientIds: [client.id] });
      const ticket = await t.createTicket(token, client.id, uniqueTitle('Orphaned'));
      expect(ticket.createdBy).toMatchObject({ id: String(user.id), name: user.name });
      expect((await t.ticket(adminToken, ticket.id)).data!.ticket.createdBy!.id).toBe(String(user.id));

      const del = await server.gql(DELETE_USER, { id: String(user.id) }, adminToken);
      expect(del.errors).toBeUndefined();

      const after = await t.ticket(adminToken, ticket.id);
      expect(after.errors).toBeUndefined();
      expect(after.data!.ticket).toMatchObject({ id: ticket.id, title: ticket.title, createdBy: null });
      const listed = await t.tickets(adminToken, { clientId: String(client.id) });
      expect(listed.data!.tickets.items).toEqual([expect.objectContaining({ id: ticket.id, createdBy: null })]);
    });

    it('a USER does not see the creator’s other clients in createdBy.clients; an ADMIN does', async () => {
      const shared = await makeClient(server);
      const secret = await makeClient(server);
      const creator = await signedIn(server, { clientIds: [shared.id, secret.id] });
      const ticket = await t.createTicket(creator.token, shared.id, uniqueTitle('Shared'));
      const viewer = await signedIn(server, { clientIds: [shared.id] });

      const one = await t.ticket(viewer.token, ticket.id);
      expect(one.errors).toBeUndefined();
      expect(one.data!.ticket.createdBy).toMatchObject({ id: String(creator.user.id), clients: [{ id: String(shared.id) }] });
      const page = await t.tickets(viewer.token);
      expect(page.data!.tickets.items[0]!.createdBy!.clients).toEqual([{ id: String(shared.id) }]);
      expect(JSON.stringify(one.data)).not.toContain(secret.name);

      const asAdmin = await t.ticket(adminToken, ticket.id);
      expect(ids(asAdmin.data!.ticket.createdBy!.clients).sort()).toEqual([String(shared.id), String(secret.id)].sort());
      const asCreator = await t.ticket(creator.token, ticket.id);
      expect(ids(asCreator.data!.ticket.createdBy!.clients).sort()).toEqual([String(shared.id), String(secret.id)].sort());
    });
  });

  describe('status and client deletion', () => {
    it('updateTicket OPEN → IN_PROGRESS → DONE returns and keeps the new status', async () => {
      const client = await makeClient(server);
      const { token } = await signedIn(server, { clientIds: [client.id] });
      const ticket = await t.createTicket(token, client.id);
      expect(ticket.status).toBe('OPEN');

      const res = await t.update(token, ticket.id, { status: 'IN_PROGRESS' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateTicket).toMatchObject({ id: ticket.id, status: 'IN_PROGRESS', title: ticket.title });
      expect((await t.ticket(token, ticket.id)).data!.ticket.status).toBe('IN_PROGRESS');

      expect((await t.update(token, ticket.id, { status: 'DONE' })).data!.updateTicket.status).toBe('DONE');
      expect((await t.tickets(token, { status: 'DONE' })).data!.tickets.items.map((i) => i.id)).toEqual([ticket.id]);
    });

    it('a client that still has tickets cannot be deleted (CONFLICT, saying what is in the way); once they are gone it can', async () => {
      const client = await makeClient(server);
      const first = await t.createTicket(adminToken, client.id);
      const second = await t.createTicket(adminToken, client.id);

      const refused = await server.gql(DELETE_CLIENT, { id: String(client.id) }, adminToken);
      expect(refused.data).toBeNull();
      expect(codeOf(refused)).toBe('CONFLICT');
      expect(refused.errors![0]!.message).toMatch(/ticket/i);
      expect(refused.errors![0]!.message).toContain('2');
      // Nothing was removed.
      expect((await t.tickets(adminToken, { clientId: String(client.id) })).data!.tickets.total).toBe(2);
      expect((await server.gql('query($id: ID!) { client(id: $id) { id } }', { id: String(client.id) }, adminToken)).errors).toBeUndefined();

      await t.remove(adminToken, first.id);
      const stillOne = await server.gql(DELETE_CLIENT, { id: String(client.id) }, adminToken);
      expect(codeOf(stillOne)).toBe('CONFLICT');
      expect(stillOne.errors![0]!.message).toMatch(/ticket/i);

      await t.remove(adminToken, second.id);
      const done = await server.gql(DELETE_CLIENT, { id: String(client.id) }, adminToken);
      expect(done.errors).toBeUndefined();
      expect(done.data).toEqual({ deleteClient: String(client.id) });
      const gone = await server.gql('query($id: ID!) { client(id: $id) { id } }', { id: String(client.id) }, adminToken);
      expect(codeOf(gone)).toBe('NOT_FOUND');
    });
  });

  describe('statement count', () => {
    it('a tickets page of 50 costs no more statements than a page of 5', async () => {
      const clients = [await makeClient(server), await makeClient(server), await makeClient(server)];
      const creators = await Promise.all(clients.map((c, i) => signedIn(server, { clientIds: i === 0 ? [c.id] : [c.id, clients[0]!.id] })));
      for (let i = 0; i < 60; i++) {
        const creator = creators[i % creators.length]!;
        const client = clients[i % clients.length]!;
        await t.createTicket(creator.token, client.id, uniqueTitle('Bulk'));
      }
      const viewer = await signedIn(server, { clientIds: clients.map((c) => c.id) });

      for (const token of [adminToken, viewer.token]) {
        const page = (limit: number) =>
          server.countStatements(async () => {
            const res = await t.tickets(token, { limit });
            expect(res.errors).toBeUndefined();
            expect(res.data!.tickets.items).toHaveLength(limit);
            expect(res.data!.tickets.items.some((i) => i.createdBy !== null && i.createdBy.clients.length > 0)).toBe(true);
          });
        const five = await page(5);
        const fifty = await page(50);
        expect(five).toBeGreaterThan(0);
        expect(fifty).toBeLessThanOrEqual(five);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('notifications', () => {
  let server: TestServer;
  let t: ReturnType<typeof api>;

  beforeAll(async () => {
    server = await startTestServer();
    t = api(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  /**
   * One client K with an acting USER and four more users covering every {email, ui} combination,
   * an admin whose access list is empty, an admin with ui off, and a user of another client only.
   */
  async function fanOutWorld() {
    const k = await makeClient(server);
    const other = await makeClient(server);
    const actor = await signedIn(server, { clientIds: [k.id] });
    const none = await signedIn(server, { clientIds: [k.id], notificationPreferences: { email: false, ui: false } });
    const emailOnly = await signedIn(server, { clientIds: [k.id], notificationPreferences: { email: true, ui: false } });
    const uiOnly = await signedIn(server, { clientIds: [k.id], notificationPreferences: { email: false, ui: true } });
    const both = await signedIn(server, { clientIds: [k.id], notificationPreferences: { email: true, ui: true } });
    const admin = await signedIn(server, { roles: ['admin'], clientIds: [] });
    const quietAdmin = await signedIn(server, { roles: ['admin'], clientIds: [], notificationPreferences: { email: false, ui: false } });
    const outsider = await signedIn(server, { clientIds: [other.id] });
    return { k, other, actor, none, emailOnly, uiOnly, both, admin, quietAdmin, outsider };
  }

  /** Every admin on this server (each is a recipient of every ticket event, actor aside). */
  async function adminEmails(): Promise<Set<string>> {
    const rows = (await server.db.database.orm.em
      .getConnection()
      .execute(`select email, notify_by_email from users where 'admin' = any(roles)`)) as { email: string; notify_by_email: boolean }[];
    return new Set(rows.filter((r) => r.notify_by_email).map((r) => r.email));
  }

  async function outboxFor(ticketId: string) {
    return (await t.outbox()).filter((row) => linkPattern(ticketId).test(row.text));
  }

  it('a new ticket notifies every user of its client and every admin, as their preferences say, never the actor nor other clients’ users', async () => {
    const w = await fanOutWorld();
    const title = uniqueTitle('Fan-out');
    const ticket = await t.createTicket(w.actor.token, w.k.id, title);

    // ui on → one unread notification about it, through their own token.
    for (const who of [w.uiOnly, w.both, w.admin]) {
      const page = await t.notifications(who.token);
      expect(page.total).toBe(1);
      expect(page.unread).toBe(1);
      const [n] = page.items;
      expect(n!.message).toContain(title);
      expect(n!.readAt).toBeNull();
      expect(n!.ticket).toMatchObject({ id: ticket.id, title, status: 'OPEN', client: { id: String(w.k.id) } });
      expect(Number.isNaN(Date.parse(n!.createdAt))).toBe(false);
    }
    // ui off, the actor, and users of other clients → nothing in the app.
    for (const who of [w.none, w.emailOnly, w.quietAdmin, w.actor, w.outsider]) {
      const page = await t.notifications(who.token);
      expect(page).toEqual({ total: 0, unread: 0, skip: 0, limit: 100, items: [] });
    }

    // email on → exactly those users (and the admins with email on) have a message with the link.
    const rows = await outboxFor(ticket.id);
    const expected = new Set([w.emailOnly.user.email, w.both.user.email, ...(await adminEmails())]);
    expect(new Set(rows.map((r) => r.recipient))).toEqual(expected);
    expect(rows).toHaveLength(expected.size);
    expect(expected.has(w.admin.user.email)).toBe(true);
    for (const absent of [w.none, w.uiOnly, w.actor, w.outsider, w.quietAdmin]) expect(rows.map((r) => r.recipient)).not.toContain(absent.user.email);
    for (const row of rows) {
      expect(row.text).toContain(`http://console.test/tickets/${ticket.id}`);
      expect(`${row.subject}\n${row.text}`).toContain(title);
    }
  });

  it('a status change notifies the same way, the actor aside; a title change notifies nobody', async () => {
    const w = await fanOutWorld();
    const title = uniqueTitle('Status');
    const ticket = await t.createTicket(w.actor.token, w.k.id, title);
    const everyone = [w.actor, w.none, w.emailOnly, w.uiOnly, w.both, w.admin, w.quietAdmin, w.outsider];
    const counts = async () => Promise.all(everyone.map(async (who) => (await t.notifications(who.token)).total));
    const before = await counts();
    const outboxBefore = (await outboxFor(ticket.id)).length;

    // Only the title: nobody hears of it.
    expect((await t.update(w.both.token, ticket.id, { title: `${title} (renamed)`, description: 'more' })).errors).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(await outboxFor(ticket.id)).toHaveLength(outboxBefore);

    // The same status again is no change either.
    expect((await t.update(w.both.token, ticket.id, { status: 'OPEN' })).errors).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(await outboxFor(ticket.id)).toHaveLength(outboxBefore);

    // A status change by `both` (an in-app + email user): everyone else with ui on hears of it, `both` does not.
    const changed = await t.update(w.both.token, ticket.id, { status: 'IN_PROGRESS' });
    expect(changed.data!.updateTicket.status).toBe('IN_PROGRESS');
    const after = await counts();
    const delta = Object.fromEntries(everyone.map((who, i) => [who.user.email, after[i]! - before[i]!]));
    expect(delta).toEqual({
      [w.actor.user.email]: 1, // the creator has the defaults (email and ui on) and did not make this change
      [w.none.user.email]: 0,
      [w.emailOnly.user.email]: 0,
      [w.uiOnly.user.email]: 1,
      [w.both.user.email]: 0,
      [w.admin.user.email]: 1,
      [w.quietAdmin.user.email]: 0,
      [w.outsider.user.email]: 0,
    });
    const latest = (await t.notifications(w.uiOnly.token)).items[0]!;
    expect(latest.message).toContain(`${title} (renamed)`);
    expect(latest.ticket).toMatchObject({ id: ticket.id, status: 'IN_PROGRESS' });
    expect(latest.readAt).toBeNull();
    expect((await t.notifications(w.uiOnly.token)).unread).toBe(2);

    const newRows = (await outboxFor(ticket.id)).slice(outboxBefore);
    const admins = await adminEmails();
    const expected = new Set([w.emailOnly.user.email, w.actor.user.email, ...admins]);
    expected.delete(w.both.user.email);
    expect(new Set(newRows.map((r) => r.recipient))).toEqual(expected);
    expect(newRows).toHaveLength(expected.size);
    expect(newRows.map((r) => r.recipient)).not.toContain(w.both.user.email);
    for (const row of newRows) expect(row.text).toContain(`http://console.test/tickets/${ticket.id}`);
  });

  it('an admin who acts is not notified of their own change, whichever way', async () => {
    const w = await fanOutWorld();
    const ticket = await t.createTicket(w.admin.token, w.k.id, uniqueTitle('By admin'));
    expect((await t.update(w.admin.token, ticket.id, { status: 'DONE' })).errors).toBeUndefined();
    expect((await t.notifications(w.admin.token)).total).toBe(0);
    const rows = await outboxFor(ticket.id);
    expect(rows.map((r) => r.recipient)).not.toContain(w.admin.user.email);
    // …while the users of the client were told of both events.
    expect((await t.notifications(w.both.token)).total).toBe(2);
    expect(rows.filter((r) => r.recipient === w.both.user.email)).toHaveLength(2);
  });

  describe('notifications and markNotificationsRead', () => {
    /** A reader with ui on, and `count` tickets of their client created by someone else. */
    async function inbox(count: number) {
      const client = await makeClient(server);
      const reader = await signedIn(server, { clientIds: [client.id], notificationPreferences: { email: false, ui: true } });
      const writer = await signedIn(server, { clientIds: [client.id] });
      const tickets: TicketJson[] = [];
      for (let i = 0; i < count; i++) tickets.push(await t.createTicket(writer.token, client.id, uniqueTitle(`Inbox ${i}`)));
      const page = await t.notifications(reader.token);
      expect(page.total).toBe(count);
      return { client, reader, writer, tickets, notes: page.items };
    }

    it('lists newest first and pages with skip and limit; unread counts over all pages', async () => {
      const { reader, tickets, notes } = await inbox(5);
      expect(notes.map((n) => n.ticket!.id)).toEqual(tickets.map((x) => x.id).reverse());
      expect(ids(notes)).toEqual(byIdDesc(ids(notes)));

      const page = await t.notifications(reader.token, { skip: 1, limit: 2 });
      expect(page).toMatchObject({ total: 5, unread: 5, skip: 1, limit: 2 });
      expect(ids(page.items)).toEqual(ids(notes).slice(1, 3));

      const bad = await server.gql(NOTIFICATIONS, { limit: 0 }, reader.token);
      expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    });

    it('markNotificationsRead returns how many changed; marking again changes none', async () => {
      const { reader, notes } = await inbox(3);
      const [n0, n1, n2] = notes;
      expect(await t.markRead(reader.token, [n0!.id, n1!.id])).toBe(2);
      let page = await t.notifications(reader.token);
      expect(page.unread).toBe(1);
      expect(page.total).toBe(3);
      const read = page.items.filter((n) => n.readAt !== null);
      expect(ids(read).sort()).toEqual([n0!.id, n1!.id].sort());
      expect(Number.isNaN(Date.parse(read[0]!.readAt!))).toBe(false);

      expect(await t.markRead(reader.token, [n0!.id, n1!.id])).toBe(0);
      expect(await t.markRead(reader.token, [n1!.id, n2!.id])).toBe(1);
      expect(await t.markRead(reader.token, [])).toBe(0);
      expect(await t.markRead(reader.token, ['999999'])).toBe(0);
      page = await t.notifications(reader.token);
      expect(page.unread).toBe(0);
      expect(page.items.every((n) => n.readAt !== null)).toBe(true);
    });

    it('unreadOnly lists only the unread ones', async () => {
      const { reader, notes } = await inbox(4);
      expect(await t.markRead(reader.token, [notes[1]!.id, notes[3]!.id])).toBe(1 + 1);
      const page = await t.notifications(reader.token, { unreadOnly: true });
      expect(page).toMatchObject({ total: 2, unread: 2 });
      expect(ids(page.items)).toEqual([notes[0]!.id, notes[2]!.id]);
      expect(page.items.every((n) => n.readAt === null)).toBe(true);
      const paged = await t.notifications(reader.token, { unreadOnly: true, skip: 1, limit: 1 });
      expect(paged).toMatchObject({ total: 2, unread: 2, skip: 1, limit: 1 });
      expect(ids(paged.items)).toEqual([notes[2]!.id]);
    });

    it('a user sees and marks only their own: another user’s ids change nothing and return 0', async () => {
      const mine = await inbox(2);
      const theirs = await inbox(2);
      expect(await t.markRead(theirs.reader.token, ids(mine.notes))).toBe(0);
      const page = await t.notifications(mine.reader.token);
      expect(page.unread).toBe(2);
      expect(page.items.every((n) => n.readAt === null)).toBe(true);
      // A mix: only the caller's own change.
      expect(await t.markRead(theirs.reader.token, [...ids(mine.notes), theirs.notes[0]!.id])).toBe(1);
      expect((await t.notifications(mine.reader.token)).unread).toBe(2);
      expect((await t.notifications(theirs.reader.token)).unread).toBe(1);
      // Nobody lists another's notifications.
      const theirList = await t.notifications(theirs.reader.token);
      for (const id of ids(mine.notes)) expect(ids(theirList.items)).not.toContain(id);
    });

    it('a notification’s ticket is null once the ticket is deleted; the notification stays', async () => {
      const { reader, writer, tickets, notes } = await inbox(2);
      expect((await t.remove(writer.token, tickets[0]!.id)).errors).toBeUndefined();
      const page = await t.notifications(reader.token);
      expect(page.total).toBe(2);
      const gone = page.items.find((n) => n.id === notes[1]!.id)!;
      expect(gone.ticket).toBeNull();
      expect(gone.message).toContain(tickets[0]!.title);
      expect(page.items.find((n) => n.id === notes[0]!.id)!.ticket).toMatchObject({ id: tickets[1]!.id });
    });

    it('a USER who lost access to the client sees ticket null on older notifications (to no client left, or to another)', async () => {
      const admin = await makeAdmin(server);
      const adminToken = await login(server, admin.email);
      const keep = await makeClient(server);
      for (const remaining of [[], [String(keep.id)]]) {
        const { reader, notes, tickets } = await inbox(2);
        const kept = await t.createTicket(adminToken, keep.id, uniqueTitle('Kept'));
        expect((await server.gql(UPDATE_USER, { id: String(reader.user.id), input: { clientIds: [String(tickets[0]!.client.id), String(keep.id)] } }, adminToken)).errors).toBeUndefined();
        const kept2 = await t.createTicket(adminToken, keep.id, uniqueTitle('Kept'));
        expect((await server.gql(UPDATE_USER, { id: String(reader.user.id), input: { clientIds: remaining } }, adminToken)).errors).toBeUndefined();

        const page = await t.notifications(reader.token);
        expect(page.total).toBe(3);
        expect(page.unread).toBe(3);
        expect(ids(page.items.slice(1))).toEqual(ids(notes));
        expect(page.items.slice(1).map((n) => n.ticket)).toEqual([null, null]);
        expect(page.items.slice(1).map((n) => n.message)).toEqual([expect.stringContaining(tickets[1]!.title), expect.stringContaining(tickets[0]!.title)]);
        // A notification about a client still on the list keeps its ticket.
        expect(page.items[0]!.message).toContain(kept2.title);
        expect(page.items[0]!.ticket).toEqual(remaining.length === 0 ? null : expect.objectContaining({ id: kept2.id }));
        expect(JSON.stringify(page)).not.toContain(kept.title);
        // Still theirs to mark read.
        expect(await t.markRead(reader.token, ids(page.items))).toBe(3);
      }
    });
  });
});

