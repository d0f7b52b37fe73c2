import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/database.js';
import { silentLogger } from '../../server/logger.js';
import { smtpMailer } from '../../server/mail/mailer.js';
import { OutboxWorker } from '../../server/mail/outbox-worker.js';
import { onPostgres } from '../support/database.js';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

/**
 * Email delivery: the outbox written with each change is delivered over real SMTP by the worker,
 * retried with backoff while the SMTP server is down, never lost and never sent twice.
 */
let server: TestServer;
let adminToken: string;
const workers: OutboxWorker[] = [];
const smtps: TestSmtpServer[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { notificationPreferences: { email: false, ui: false } });
  adminToken = await login(server, admin.email);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(smtps.splice(0).map((s) => s.close()));
  await server.db.database.orm.em.getConnection().execute('delete from outbox_emails');
});
afterAll(() => server?.close());

function worker(smtpUrl: string, database: Database = server.db.database, options = {}): OutboxWorker {
  const made = new OutboxWorker(database.orm, smtpMailer(smtpUrl, 'Tracker Tests <tracker@example.com>'), silentLogger, { pollMs: 50, backoffBaseMs: 100, backoffMaxMs: 400, leaseMs: 5000, ...options });
  workers.push(made);
  return made;
}

async function smtp(port = 0): Promise<TestSmtpServer> {
  const made = await startSmtpServer(port);
  smtps.push(made);
  return made;
}

/** A client with `count` users who want email only; returns the client id and their addresses. */
async function clientWithEmailUsers(count: number): Promise<{ clientId: number; emails: string[] }> {
  const client = await makeClient(server);
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    emails.push((await makeUser(server, { clientIds: [client.id], notificationPreferences: { email: true, ui: false } })).email);
  }
  return { clientId: client.id, emails };
}

async function createTicket(clientId: number, title: string): Promise<string> {
  const res = await server.gql('mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', { input: { clientId: String(clientId), title } }, adminToken);
  expect(res.errors).toBeUndefined();
  return res.data!.createTicket.id;
}

async function outbox(): Promise<{ recipient: string; attempts: number; sent_at: Date | null; last_error: string | null }[]> {
  return server.db.database.orm.em.getConnection().execute('select recipient, attempts, sent_at, last_error from outbox_emails order by id');
}

describe('delivery over SMTP', () => {
  it('sends each queued email to its recipient, saying what changed and linking to the ticket', async () => {
    const mailbox = await smtp();
    const { clientId, emails } = await clientWithEmailUsers(2);
    const ticketId = await createTicket(clientId, 'Printer on fire');

    expect(await worker(mailbox.url).deliverDue()).toBe(2);
    expect(mailbox.received.map((m) => m.to).flat().sort()).toEqual([...emails].sort());
    for (const email of mailbox.received) {
      expect(email.from).toBe('tracker@example.com');
      expect(email.subject).toContain('Printer on fire');
      expect(email.text).toContain('created ticket');
      expect(email.text).toContain(`http://console.test/tickets/${ticketId}`);
    }
    expect((await outbox()).every((row) => row.sent_at !== null && row.attempts === 1)).toBe(true);
    // Sent is sent: another round finds nothing to do.
    expect(await workers[0]!.deliverDue()).toBe(0);
  });

  it('starts at once when a change is committed, without waiting for its poll', async () => {
    const mailbox = await smtp();
    const running = worker(mailbox.url, server.db.database, { pollMs: 60_000 });
    running.start();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first round has found nothing
    const { clientId } = await clientWithEmailUsers(1);
    await createTicket(clientId, 'Nudged');
    running.nudge();
    await mailbox.waitFor(1, 5000);
  });
});

describe('an SMTP server that is down for a while', () => {
  it('keeps the emails, retries with growing delays, and delivers them all once it is back', async () => {
    // Find a free port, then close it: connections are refused until the server comes back there.
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();

    const { clientId, emails } = await clientWithEmailUsers(3);
    await createTicket(clientId, 'While SMTP was down');
    const running = worker(`smtp://127.0.0.1:${port}`);
    running.start();

    const deadline = Date.now() + 10_000;
    while ((await outbox()).some((row) => row.attempts < 2)) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const failing = await outbox();
    expect(failing.every((row) => row.sent_at === null && row.last_error !== null)).toBe(true);

    const mailbox = await smtp(port);
    await mailbox.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives
    expect(mailbox.received.map((m) => m.to).flat().sort()).toEqual([...emails].sort());
    const rows = await outbox();
    expect(rows.every((row) => row.sent_at !== null)).toBe(true);
  });
});

describe('several workers on one database', () => {
  it('never send the same email twice', async () => {
    const mailbox = await smtp();
    const { clientId, emails } = await clientWithEmailUsers(5);
    for (let i = 0; i < 8; i++) await createTicket(clientId, `Burst ${i}`);
    const expected = emails.length * 8;

    // On PostgreSQL each worker has its own connection pool, as two server instances would.
    const second = onPostgres ? await openDatabase({ kind: 'postgres', url: server.db.url! }, { purpose: 'second worker' }) : server.db.database;
    try {
      const a = worker(mailbox.url, server.db.database, { batchSize: 3 });
      const b = worker(mailbox.url, second, { batchSize: 3 });
      a.start();
      b.start();
      await mailbox.waitFor(expected);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let any duplicate arrive
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      if (second !== server.db.database) await second.close();
    }
    expect(mailbox.received).toHaveLength(expected);
    const keys = mailbox.received.map((m) => `${m.to.join()}|${m.subject}`);
    expect(new Set(keys).size).toBe(expected);
    expect((await outbox()).every((row) => row.sent_at !== null && row.attempts === 1)).toBe(true);
  });
});
