import { silentLogger } from '../../server/logger.js';
import { smtpMailer } from '../../server/mail/mailer.js';
import { OutboxWorker } from '../../server/mail/outbox-worker.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

export interface MailingTestServer {
  readonly server: TestServer;
  /** Where the outbox worker delivers: what it received. */
  readonly smtp: TestSmtpServer;
  close(): Promise<void>;
}

/** A test server whose outbox worker sends every queued email to a real SMTP server of its own, at once (as production does). */
export async function startMailingTestServer(options: Omit<TestServerOptions, 'onEmailQueued'> = {}): Promise<MailingTestServer> {
  const smtp = await startSmtpServer();
  let worker: OutboxWorker | undefined;
  const server = await startTestServer({ ...options, onEmailQueued: () => worker?.nudge() });
  worker = new OutboxWorker(server.db.database.orm, smtpMailer(smtp.url, 'Tracker Tests <tracker@example.com>'), silentLogger, { pollMs: 50 });
  worker.start();
  return {
    server,
    smtp,
    async close() {
      await worker?.stop();
      await smtp.close();
      await server.close();
    },
  };
}
