import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../server/entities/ticket.entity.js';
import { login, makeAdmin, makeClient, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  CREATE_TICKET as CREATE,
  DELETE_CLIENT,
  DELETE_USER,
  MARK_READ,
  NOTIFICATIONS,
  api,
  codeOf,
  ids,
  uniqueTitle,
  type Res,
  type TicketJson,
} from '../support/tickets-api.js';

/**
 * Tickets over HTTP (README: Using the API, "Tickets and notifications"; schema.graphql): that a
 * scope refusal reaches the caller, anonymous callers, paging, validation and its field problems,
 * createdBy, status changes, the client that still has tickets (CONFLICT), and the statements a
 * page costs. The client scope itself, for every operation and in the data layer, is specified on
 * the service: tests/services/ticket.service.test.ts. Notifications: notifications.test.ts.
 */

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
