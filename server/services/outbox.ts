import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEmail } from '../entities/outbox-email.entity.js';
import { insertAll } from './persistence.js';

/** What a service that queues emails needs besides the outbox: where links point, and whom to tell after the commit. */
export interface Mailing {
  /** Where people reach the console (PUBLIC_URL). */
  readonly publicUrl: string;
  /** Called after a transaction that queued emails has committed: the outbox worker may start at once. */
  afterCommit(): void;
}


export interface QueuedEmail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  /** A link that must not outlive the email: put in at LINK_PLACEHOLDER (domain/email.ts) as it is sent, then forgotten. */
  link?: string | null;
}

/**
 * Queues emails in the outbox, inside the caller's transaction: written with the change they
 * report, or not at all. The outbox worker (server/mail/outbox-worker.ts) sends them after the
 * commit, retrying until each is sent.
 */
export async function queueEmails(em: EntityManager, emails: readonly QueuedEmail[]): Promise<void> {
  if (emails.length === 0) return;
  const now = new Date();
  await insertAll(
    em,
    OutboxEmail,
    emails.map(
      (email) =>
        ({
          recipient: email.to,
          subject: email.subject.slice(0, 300),
          text: email.text,
          html: email.html ?? null,
          link: email.link ?? null,
          createdAt: now,
          attempts: 0,
          nextAttemptAt: now,
        }) as never,
    ),
  );
}
