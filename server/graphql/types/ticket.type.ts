import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { Ticket } from '../../entities/ticket.entity.js';
import { ClientView, toClientView } from './client.type.js';
import { PageOf } from './page.type.js';
import { UserView } from './user.type.js';

export enum TicketStatusValue {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
}

registerEnumType(TicketStatusValue, { name: 'TicketStatus' });

@ObjectType('Ticket', { simpleResolvers: true, description: 'A tracked record; it belongs to one client.' })
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

  // Resolved by TicketResolver.createdBy, as every read of a user is (from createdById).
  @Field(() => UserView, { nullable: true, description: 'Null once that user is deleted.' })
  createdBy?: UserView | null;

  /** Not in the schema: whom createdBy reads. */
  createdById!: number | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('TicketPage', { simpleResolvers: true })
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

export function toTicketView(ticket: Ticket): TicketView {
  return {
    id: String(ticket.id),
    client: toClientView(ticket.client),
    title: ticket.title,
    description: ticket.description,
    status: ticket.status as TicketStatusValue,
    createdById: ticket.createdBy?.id ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
  };
}


