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
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'Date', columnType: 'timestamptz' },
    sentAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    lastError: { type: 'text', nullable: true },
  },
  indexes: [{ name: 'outbox_emails_pending_index', properties: ['sentAt', 'nextAttemptAt'] }],
});
