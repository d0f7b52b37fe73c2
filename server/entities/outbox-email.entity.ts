import { EntitySchema } from '@mikro-orm/core';

/**
 * An email waiting to be sent: written in the same transaction as the change it reports, then
 * delivered by the outbox worker (server/mail/outbox-worker.ts), retried until it is sent.
 */
export class OutboxEmail {
  id!: string;
  recipient!: string;
  subject!: string;
  text!: string;
  /** The same message for mail clients that show HTML; null for plain text only. */
  html: string | null = null;
  /**
   * A link that must not outlive the email (an invitation's, a password reset's): `text` and
   * `html` hold LINK_PLACEHOLDER where it goes, the worker puts it in as it sends, and forgets it
   * once the email is sent.
   */
  link: string | null = null;
  createdAt: Date = new Date();
  attempts = 0;
  /** Not before this time: the backoff after a failure, or the lease of the worker sending it now. */
  nextAttemptAt: Date = new Date();
  sentAt: Date | null = null;
  lastError: string | null = null;
}

export const OutboxEmailSchema = new EntitySchema<OutboxEmail>({
  class: OutboxEmail,
  tableName: 'outbox_emails',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    recipient: { type: 'string', length: 254 },
    subject: { type: 'string', length: 300 },
    text: { type: 'text' },
    html: { type: 'text', nullable: true },
    link: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'Date', columnType: 'timestamptz' },
    sentAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    lastError: { type: 'text', nullable: true },
  },
  indexes: [{ name: 'outbox_emails_pending_index', properties: ['sentAt', 'nextAttemptAt'] }],
});
