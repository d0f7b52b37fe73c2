import { EntitySchema } from '@mikro-orm/core';

/**
 * One entry of the audit log: who did what to which record, when, from where, and which fields
 * changed (never a password or a hash: a new password is recorded as "changed").
 */
export class AuditEvent {
  id!: string;
  at: Date = new Date();
  /** The user who acted; null for the operator's CLI or an unknown person (a failed login). */
  actorId: number | null = null;
  /** How the actor reads in the log: an email, "operator (cli)", or the email tried at a failed login. */
  actorLabel!: string;
  /** api, console or cli. */
  channel!: string;
  action!: string;
  targetType: string | null = null;
  targetId: string | null = null;
  /** How the target read when this happened (a user's email, a client's name, a ticket's title). */
  targetLabel: string | null = null;
  changes: Record<string, unknown> | null = null;
  /** The network address of the request, when there was one. */
  sourceAddress: string | null = null;
}

export const AuditEventSchema = new EntitySchema<AuditEvent>({
  class: AuditEvent,
  tableName: 'audit_events',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: { type: 'Date', columnType: 'timestamptz' },
    actorId: { type: 'integer', nullable: true },
    actorLabel: { type: 'string', length: 300 },
    channel: { type: 'string', length: 16 },
    action: { type: 'string', length: 64 },
    targetType: { type: 'string', length: 32, nullable: true },
    targetId: { type: 'string', length: 64, nullable: true },
    targetLabel: { type: 'string', length: 300, nullable: true },
    changes: { type: 'json', nullable: true },
    sourceAddress: { type: 'string', length: 64, nullable: true },
  },
  indexes: [
    { name: 'audit_events_at_index', properties: ['at'] },
    { name: 'audit_events_actor_id_at_index', properties: ['actorId', 'at'] },
    { name: 'audit_events_target_at_index', properties: ['targetType', 'targetId', 'at'] },
    { name: 'audit_events_action_at_index', properties: ['action', 'at'] },
  ],
});
