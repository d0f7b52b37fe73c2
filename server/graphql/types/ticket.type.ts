import { wrap } from '@mikro-orm/core';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { canAccessClient, clientScope } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import type { Notification } from '../../entities/notification.entity.js';
import type { Ticket } from '../../entities/ticket.entity.js';
import { ClientView, toClientView } from './client.type.js';
import { UserView, toUserView } from './user.type.js';
import { PageOf } from './page.type.js';

export enum TicketStatusValue {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
}

registerEnumType(TicketStatusValue, { name: 'TicketStatus' });

@ObjectType('Ticket', { description: 'A tracked record; it belongs to one client.' })
export class TicketView {
  @Field(() => ID)
  id!: string;

  @Field(() => ClientView)
  client!: ClientView;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => TicketStatusValue)
  status!: TicketStatusValue;

  @Field(() => UserView, { nullable: true, description: 'Null once that user is deleted.' })
  createdBy!: UserView | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('TicketPage')
export class TicketPageView extends PageOf(TicketView) {}

@InputType('CreateTicketInput')
export class CreateTicketInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => String, { description: 'Trimmed, 1 to 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, defaultValue: '' })
  description?: string | null;
}

@InputType('UpdateTicketInput', { description: 'An omitted field is unchanged. A status change notifies the users of the client.' })
export class UpdateTicketInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TicketStatusValue, { nullable: true })
  status?: TicketStatusValue | null;
}

@ObjectType('Notification')
export class NotificationView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  message!: string;

  @Field(() => TicketView, { nullable: true, description: 'Null once the ticket is deleted, or no longer visible to you.' })
  ticket!: TicketView | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;
}

@ObjectType('NotificationPage')
export class NotificationPageView extends PageOf(NotificationView) {
  @Field(() => Int, { description: 'How many of your notifications are unread, over all pages.' })
  unread!: number;
}

/** A ticket as `viewer` may see it: its creator's client list only within the viewer's scope. */
export function toTicketView(ticket: Ticket, viewer: Actor): TicketView {
  return {
    id: String(ticket.id),
    client: toClientView(ticket.client),
    title: ticket.title,
    description: ticket.description,
    status: ticket.status as TicketStatusValue,
    createdBy: ticket.createdBy ? toUserView(ticket.createdBy, clientScope(viewer)) : null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
  };
}

export function toNotificationView(notification: Notification, viewer: Actor): NotificationView {
  const ticket = notification.ticket;
  return {
    id: String(notification.id),
    message: notification.message,
    // A ticket of a client the viewer has since lost access to is not shown (nor one left unloaded).
    ticket: ticket && wrap(ticket).isInitialized() && canAccessClient(viewer, ticket.client.id) ? toTicketView(ticket, viewer) : null,
    createdAt: notification.createdAt,
    readAt: notification.readAt ?? null,
  };
}
