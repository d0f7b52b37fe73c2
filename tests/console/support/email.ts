import { expect } from 'vitest';
import { silentLogger } from '../../../server/logger.js';
import { smtpMailer } from '../../../server/mail/mailer.js';
import { OutboxWorker } from '../../../server/mail/outbox-worker.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/server.js';
import { startSmtpServer, type ReceivedEmail, type TestSmtpServer } from '../../support/smtp.js';

/**
 * The test server's PUBLIC_URL (tests/support/server.ts): the links in its emails lead here. A
 * browser opened with `openBrowser(server.url, …, { origin: PUBLIC_URL })` knows the server by this
 * address (Chromium resolves its host to the test server), so an emailed link is opened exactly
 * as it was sent, and the console it opens is the one the test started.
 */
export const PUBLIC_URL = 'http://console.test';
const EMAIL_TIMEOUT_MS = 15_000;

export interface Mailbox {
  /** Every email the SMTP server has received so far, oldest first. */
  readonly received: readonly ReceivedEmail[];
  /** How many emails `to` has received so far: pass it to `next` to wait for the one after. */
  count(to: string): number;
  /** The first email to `to` after the `after`th: waits for it by polling what the SMTP server received. */
  next(to: string, after: number): Promise<ReceivedEmail>;
}

export interface ServerWithEmail {
  readonly server: TestServer;
  readonly mail: Mailbox;
  readonly smtp: TestSmtpServer;
  close(): Promise<void>;
}

/**
 * The real server on a fresh database, as the other browser tests have it, whose emails are sent:
 * the outbox worker delivers them over SMTP to a real SMTP server on loopback (tests/support/smtp.ts,
 * which parses each message's MIME as a mail client would), as soon as a change queues one.
 */
export async function startServerWithEmail(options: TestServerOptions = {}): Promise<ServerWithEmail> {
  const smtp = await startSmtpServer();
  let worker: OutboxWorker | undefined;
  const server = await startTestServer({ ...options, onEmailQueued: () => worker?.nudge() });
  worker = new OutboxWorker(server.db.database.orm, smtpMailer(smtp.url, 'Tracker Tests <tracker@example.com>'), silentLogger, { pollMs: 50 });
  worker.start();
  const to = (address: string) => smtp.received.filter((email) => email.to.includes(address));
  return {
    server,
    smtp,
    mail: {
      received: smtp.received,
      count: (address) => to(address).length,
      // Polls what the SMTP server has received (in a test or in its setup alike, unlike expect.poll).
      async next(address, after) {
        const deadline = Date.now() + EMAIL_TIMEOUT_MS;
        while (to(address).length <= after) {
          if (Date.now() > deadline) throw new Error(`No email ${after + 1} to ${address} within ${EMAIL_TIMEOUT_MS} ms; received: ${smtp.received.map((e) => `${e.to.join(',')}: ${e.subject}`).join('; ') || 'none'}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return to(address)[after]!;
      },
    },
    async close() {
      await worker?.stop();
      await smtp.close();
      await server.close();
    },
  };
}

/** The link to `page` in an email's text part (as sent: on PUBLIC_URL), checked to be the same in its HTML part. */
export function linkIn(email: ReceivedEmail, page: 'accept-invite' | 'reset-password'): string {
  const match = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}/${page}\\?token=[A-Za-z0-9_-]+`).exec(email.text);
  expect(match, `a ${page} link in:\n${email.text}`).not.toBeNull();
  expect(email.html ?? '').toContain(match![0]);
  return match![0];
}

/** The link as a path of the console (for a browser that knows the server by its own address). */
export const pathOf = (link: string): string => {
  const url = new URL(link);
  return url.pathname + url.search;
};
