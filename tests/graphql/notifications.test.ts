import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { NOTIFICATIONS, UPDATE_USER, api, byIdDesc, codeOf, ids, linkPattern, uniqueTitle, type TicketJson } from '../support/tickets-api.js';

/**
 * Notifications of ticket events (README: Using the API, "Tickets and notifications";
 * schema.graphql: notifications, markNotificationsRead): who hears of a new ticket or a status
 * change, in the app and by email, as their preferences say and never the actor; the in-app list,
 * its paging and unread count, marking read, and what a notification shows once its ticket is gone
 * or out of the reader's scope.
 */

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

