import { wrap } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { canAccessClient } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import type { Notification } from '../../entities/notification.entity.js';
import { PageOf } from './page.type.js';
import { TicketView, toTicketView } from './ticket.type.js';

@ObjectType('Notification', { simpleResolvers: true })
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

@ObjectType('NotificationPage', { simpleResolvers: true })
export class NotificationPageView extends PageOf(NotificationView) {
  @Field(() => Int, { description: 'How many of your notifications are unread, over all pages.' })
  unread!: number;
}

export function toNotificationView(notification: Notification, viewer: Actor): NotificationView {
  const ticket = notification.ticket;
  return {
    id: String(notification.id),
    message: notification.message,
    // A ticket of a client the viewer has since lost access to is not shown (nor one left unloaded).
    ticket: ticket && wrap(ticket).isInitialized() && canAccessClient(viewer, ticket.client.id) ? toTicketView(ticket) : null,
    createdAt: notification.createdAt,
    readAt: notification.readAt ?? null,
  };
}
