import { EntitySchema } from '@mikro-orm/core';
import type { ClientScope } from '../domain/access.js';
import { TICKET_STATUSES, type TicketStatus } from '../domain/tickets.js';
import { Client } from './client.entity.js';
import { User } from './user.entity.js';

export class Ticket {
  id!: number;
  client!: Client;
  title!: string;
  description = '';
  status: TicketStatus = 'OPEN';
  /** Null once that user is deleted. */
  createdBy: User | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

/**
 * The second layer of client scope, in the data layer: every query for tickets is limited to the
 * clients the request's caller may see, whatever the resolver or service asked for. The scope is
 * bound to each unit of work when it is created (services/scoped-context.ts); a query on an
 * EntityManager with no scope bound fails instead of returning everything.
 */
export const CLIENT_SCOPE_FILTER = 'clientScope';

export const TicketSchema = new EntitySchema<Ticket>({
  class: Ticket,
  tableName: 'tickets',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    // A client that still has tickets cannot be deleted (the service says CONFLICT; the key holds in a race).
    client: { kind: 'm:1', entity: () => Client, deleteRule: 'restrict', updateRule: 'cascade', index: 'tickets_client_id_index' },
    title: { type: 'string', length: 200 },
    description: { type: 'text', default: '' },
    status: { enum: true, items: () => [...TICKET_STATUSES], default: 'OPEN' },
    createdBy: { kind: 'm:1', entity: () => User, nullable: true, deleteRule: 'set null', updateRule: 'cascade', fieldName: 'created_by_id' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    updatedAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
  filters: {
    [CLIENT_SCOPE_FILTER]: {
      name: CLIENT_SCOPE_FILTER,
      default: true,
      // An empty list must match nothing, in valid SQL wherever tickets are joined (`in ()` is not):
      // client_id is never null, so `client is null` is false for every row.
      cond: (scope: ClientScope) => (scope.all ? {} : scope.clientIds.length === 0 ? { client: null } : { client: { $in: [...scope.clientIds] } }),
    },
  },
});
