import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../server/entities/client.entity.js';
import { Ticket } from '../../server/entities/ticket.entity.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { openTestServices, refusal, type TestServices } from '../support/services.js';

/**
 * TicketService's client scope (README: Using the API, "Tickets and notifications"): a USER sees
 * and changes only the tickets of the clients on their list (FORBIDDEN otherwise, NOT_FOUND when
 * there is no such ticket at all); an ADMIN sees all. And the second layer on its own: the
 * data-layer filter bound to every unit of work, which limits a query for tickets that no service
 * checked, and refuses to read tickets when no scope is bound. Over HTTP,
 * tests/graphql/tickets.test.ts keeps the directives, paging, validation and notifications.
 */
const TICKET_NOT_FOUND = 'The ticket with this id does not exist in the system';

let sequence = 0;
const uniqueTitle = (label = 'Ticket') => `${label} ${process.pid}-${++sequence}`;
const ids = (list: { id: number }[]) => list.map((x) => x.id);
const byIdDesc = (list: number[]) => [...list].sort((a, b) => b - a);

describe('TicketService', () => {
  let t: TestServices;
  let admin: UserSummary;
  const tickets = () => t.services.tickets;
  const asAdmin = () => t.asUser(admin);

  beforeAll(async () => {
    t = await openTestServices();
    admin = await makeAdmin(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const createTicket = (client: Client, title = uniqueTitle()) => tickets().create(asAdmin(), { clientId: client.id, title });

  /** Clients A, B, C with tickets (made by an admin), and a USER with [A, B]. */
  async function scopedWorld() {
    const [a, b, c] = [await makeClient(t), await makeClient(t), await makeClient(t)];
    const a1 = await createTicket(a, uniqueTitle('A1'));
    const c1 = await createTicket(c, uniqueTitle('C1'));
    const b1 = await createTicket(b, uniqueTitle('B1'));
    const a2 = await createTicket(a, uniqueTitle('A2'));
    const c2 = await createTicket(c, uniqueTitle('C2'));
    const user = await makeUser(t, { clientIds: [a.id, b.id] });
    return { a, b, c, a1, a2, b1, c1, c2, user, asUser: () => t.asUser(user) };
  }

  async function allTicketCount(): Promise<number> {
    return t.asSystem().em.count(Ticket, {});
  }

  describe('for a USER', () => {
    it('lists exactly the tickets of the clients on their list, newest first, never another client’s', async () => {
      const w = await scopedWorld();
      const page = await tickets().list(w.asUser());
      expect(page.total).toBe(3);
      expect(ids(page.items)).toEqual([w.a2.id, w.b1.id, w.a1.id]);
      expect(page.items.map((i) => i.client.id).sort()).toEqual([w.a.id, w.a.id, w.b.id].sort());
      const body = JSON.stringify(page);
      expect(body).not.toContain(w.c1.title);
      expect(body).not.toContain(w.c2.title);
      // The tickets exist: an admin sees them.
      expect(await allTicketCount()).toBeGreaterThanOrEqual(5);
    });

    it('lists, for a clientId on the list, that client’s tickets only', async () => {
      const w = await scopedWorld();
      const page = await tickets().list(w.asUser(), { clientId: w.a.id });
      expect(page.total).toBe(2);
      expect(ids(page.items)).toEqual([w.a2.id, w.a1.id]);
    });

    it('refuses to list a client not on the list with FORBIDDEN', async () => {
      const w = await scopedWorld();
      const error = await refusal(tickets().list(w.asUser(), { clientId: w.c.id }));
      expect(error.code).toBe('FORBIDDEN');
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(w.c1.title);
    });

    it('gets a ticket of their clients; refuses another client’s ticket with FORBIDDEN', async () => {
      const w = await scopedWorld();
      expect(await tickets().get(w.asUser(), w.b1.id)).toMatchObject({ id: w.b1.id, title: w.b1.title, client: { id: w.b.id } });

      const error = await refusal(tickets().get(w.asUser(), w.c1.id));
      expect(error.code).toBe('FORBIDDEN');
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(w.c1.title);
    });

    it('answers a missing ticket with NOT_FOUND and the fixed message, for a USER and an ADMIN', async () => {
      const w = await scopedWorld();
      for (const ctx of [w.asUser(), asAdmin()]) {
        const error = await refusal(tickets().get(ctx, 999999));
        expect(error.code).toBe('NOT_FOUND');
        expect(error.message).toBe(TICKET_NOT_FOUND);
      }
      // A deleted ticket is missing too, and so for update and delete.
      const gone = await createTicket(w.a);
      expect(await tickets().remove(asAdmin(), gone.id)).toBe(gone.id);
      // One after the other, as a caller would make them.
      for (const work of [() => tickets().get(w.asUser(), gone.id), () => tickets().update(w.asUser(), gone.id, { title: 'x' }), () => tickets().remove(w.asUser(), gone.id)]) {
        const error = await refusal(work());
        expect(error.code).toBe('NOT_FOUND');
        expect(error.message).toBe(TICKET_NOT_FOUND);
      }
    });

    it('refuses to create a ticket for a client not on the list with FORBIDDEN, and creates nothing', async () => {
      const w = await scopedWorld();
      const before = await allTicketCount();
      const title = uniqueTitle('Sneaky');
      expect((await refusal(tickets().create(w.asUser(), { clientId: w.c.id, title }))).code).toBe('FORBIDDEN');
      expect(await allTicketCount()).toBe(before);
      const cTickets = await tickets().list(asAdmin(), { clientId: w.c.id });
      expect(cTickets.items.map((i) => i.title)).not.toContain(title);
      expect(cTickets.total).toBe(2);
    });

    it('creates a ticket for a client on their list', async () => {
      const w = await scopedWorld();
      const created = await tickets().create(w.asUser(), { clientId: w.b.id, title: uniqueTitle('Mine') });
      expect(created).toMatchObject({ status: 'OPEN', client: { id: w.b.id, name: w.b.name }, createdBy: { id: w.user.id } });
      const listed = await tickets().list(w.asUser(), { clientId: w.b.id });
      expect(ids(listed.items)).toEqual([created.id, w.b1.id]);
    });

    it('refuses to update or delete another client’s ticket with FORBIDDEN, and changes nothing', async () => {
      const w = await scopedWorld();
      const before = await tickets().get(asAdmin(), w.c1.id);

      expect((await refusal(tickets().update(w.asUser(), w.c1.id, { title: 'Hijacked', description: 'x', status: 'DONE' }))).code).toBe('FORBIDDEN');
      expect((await refusal(tickets().remove(w.asUser(), w.c1.id))).code).toBe('FORBIDDEN');

      const after = await tickets().get(asAdmin(), w.c1.id);
      expect(after).toEqual(before);
      expect(after.title).toBe(w.c1.title);
      expect(after.status).toBe('OPEN');
    });

    it('updates and deletes tickets of their own clients', async () => {
      const w = await scopedWorld();
      const updated = await tickets().update(w.asUser(), w.a1.id, { title: '  Renamed  ', description: 'Now with words' });
      expect(updated).toMatchObject({ id: w.a1.id, title: 'Renamed', description: 'Now with words', status: 'OPEN' });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(w.a1.updatedAt.getTime());

      expect(await tickets().remove(w.asUser(), w.a2.id)).toBe(w.a2.id);
      expect(ids((await tickets().list(w.asUser())).items)).toEqual([w.b1.id, w.a1.id]);
    });

    it('takes the tickets of a client they lost out of view; brings in those of a client they gained', async () => {
      const w = await scopedWorld();
      const moved = await t.services.users.update(asAdmin(), w.user.id, { clientIds: [w.c.id] });
      // The user as they act now: with the access list the change returned.
      const now = t.asUser(moved);
      expect(ids((await tickets().list(now)).items)).toEqual([w.c2.id, w.c1.id]);
      expect((await refusal(tickets().get(t.asUser(moved), w.a1.id))).code).toBe('FORBIDDEN');
    });

    it('gives a USER with no clients no tickets, and lets them open none and create none', async () => {
      const w = await scopedWorld();
      const user = await makeUser(t);
      const as = () => t.asUser(user);
      expect(await tickets().list(as())).toEqual({ total: 0, skip: 0, limit: 100, items: [] });
      expect((await refusal(tickets().get(as(), w.a1.id))).code).toBe('FORBIDDEN');
      expect((await refusal(tickets().get(as(), 999999))).code).toBe('NOT_FOUND');
      expect((await refusal(tickets().create(as(), { clientId: w.a.id, title: 'No' }))).code).toBe('FORBIDDEN');
      expect((await refusal(tickets().update(as(), w.a1.id, { status: 'DONE' }))).code).toBe('FORBIDDEN');
      expect((await refusal(tickets().remove(as(), w.a1.id))).code).toBe('FORBIDDEN');
      expect((await tickets().get(asAdmin(), w.a1.id)).status).toBe('OPEN');
    });
  });

  describe('for an ADMIN', () => {
    it('lists every ticket, and filters by clientId and by status', async () => {
      const w = await scopedWorld();
      const all = await tickets().list(asAdmin(), { limit: 1000 });
      const total = await allTicketCount();
      expect(all.total).toBe(total);
      expect(all.items).toHaveLength(total);
      expect(ids(all.items)).toEqual(byIdDesc(ids(all.items)));
      for (const ticket of [w.a1, w.a2, w.b1, w.c1, w.c2]) expect(ids(all.items)).toContain(ticket.id);

      const ofC = await tickets().list(asAdmin(), { clientId: w.c.id });
      expect(ofC.total).toBe(2);
      expect(ids(ofC.items)).toEqual([w.c2.id, w.c1.id]);

      await tickets().update(asAdmin(), w.c1.id, { status: 'IN_PROGRESS' });
      await tickets().update(asAdmin(), w.a2.id, { status: 'DONE' });

      const inProgressOfC = await tickets().list(asAdmin(), { clientId: w.c.id, status: 'IN_PROGRESS' });
      expect(inProgressOfC.total).toBe(1);
      expect(ids(inProgressOfC.items)).toEqual([w.c1.id]);

      const openOfC = await tickets().list(asAdmin(), { clientId: w.c.id, status: 'OPEN' });
      expect(ids(openOfC.items)).toEqual([w.c2.id]);

      const done = await tickets().list(asAdmin(), { status: 'DONE', limit: 1000 });
      expect(done.items.every((i) => i.status === 'DONE')).toBe(true);
      expect(ids(done.items)).toContain(w.a2.id);
      expect(done.total).toBe(await t.asSystem().em.count(Ticket, { status: 'DONE' }));

      // A USER's status filter stays inside their scope.
      const userOpen = await tickets().list(w.asUser(), { status: 'OPEN' });
      expect(ids(userOpen.items)).toEqual([w.b1.id, w.a1.id]);
    });

    it('gets, updates and deletes any client’s ticket', async () => {
      const w = await scopedWorld();
      expect((await tickets().get(asAdmin(), w.c1.id)).id).toBe(w.c1.id);
      expect((await tickets().update(asAdmin(), w.c1.id, { title: 'By admin' })).title).toBe('By admin');
      expect(await tickets().remove(asAdmin(), w.c1.id)).toBe(w.c1.id);
    });
  });
});

describe('the client-scope filter of the data layer, on its own', () => {
  let t: TestServices;
  let admin: UserSummary;
  let a: Client;
  let b: Client;
  let c: Client;
  const titles: Record<'a' | 'b' | 'c', string[]> = { a: [], b: [], c: [] };

  beforeAll(async () => {
    // A database of its own: "every ticket" below is exactly the tickets made here.
    t = await openTestServices();
    admin = await makeAdmin(t);
    [a, b, c] = [await makeClient(t), await makeClient(t), await makeClient(t)];
    for (const [key, client] of [['a', a], ['b', b], ['c', c]] as const) {
      for (let i = 0; i < 2; i++) titles[key].push((await t.services.tickets.create(t.asUser(admin), { clientId: client.id, title: uniqueTitle(`Leak ${key}`) })).title);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  /** What code that reads tickets with no service and no check gets, in the actor's unit of work. */
  const leakyTicketTitles = async (user: UserSummary) => (await t.asUser(user).em.find(Ticket, {})).map((ticket) => ticket.title);

  it('gives a USER only their clients’ tickets, to a query that checks nothing', async () => {
    const user = await makeUser(t, { clientIds: [a.id, b.id] });
    const seen = await leakyTicketTitles(user);
    expect([...seen].sort()).toEqual([...titles.a, ...titles.b].sort());
    for (const title of titles.c) expect(seen).not.toContain(title);

    const onlyC = await makeUser(t, { clientIds: [c.id] });
    expect([...(await leakyTicketTitles(onlyC))].sort()).toEqual([...titles.c].sort());
  });

  it('gives a USER with no clients nothing', async () => {
    const user = await makeUser(t);
    expect(await leakyTicketTitles(user)).toEqual([]);
  });

  it('follows the access list the user has now, not the one they had', async () => {
    const user = await makeUser(t, { clientIds: [a.id] });
    const moved = await t.services.users.update(t.asUser(admin), user.id, { clientIds: [c.id] });
    expect([...(await leakyTicketTitles(moved))].sort()).toEqual([...titles.c].sort());
  });

  it('gives an ADMIN every ticket', async () => {
    expect([...(await leakyTicketTitles(admin))].sort()).toEqual([...titles.a, ...titles.b, ...titles.c].sort());
  });

  it('refuses, on an EntityManager with no scope bound, to read tickets at all (fails closed)', async () => {
    const em = t.db.database.orm.em.fork();
    await expect(em.find(Ticket, {})).rejects.toThrow(/filter/i);
    await expect(t.db.database.orm.em.fork().count(Ticket, {})).rejects.toThrow(/filter/i);
    await expect(t.db.database.orm.em.fork().findOne(Ticket, { title: titles.a[0]! })).rejects.toThrow(/filter/i);
  });
});
