import { EntitySchema } from '@mikro-orm/core';
import { Ticket } from './ticket.entity.js';
import { User } from './user.entity.js';

/** An in-app notification for one user. */
export class Notification {
  id!: number;
  user!: User;
  /** Null once the ticket is deleted. */
  ticket: Ticket | null = null;
  message!: string;
  createdAt: Date = new Date();
  readAt: Date | null = null;
}

export const NotificationSchema = new EntitySchema<Notification>({
  class: Notification,
  tableName: 'notifications',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade' },
    ticket: { kind: 'm:1', entity: () => Ticket, nullable: true, deleteRule: 'set null', updateRule: 'cascade' },
    message: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    readAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
  indexes: [{ name: 'notifications_user_id_read_at_id_index', properties: ['user', 'readAt', 'id'] }],
});
