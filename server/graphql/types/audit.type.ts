import { GraphQLJSONObject } from 'graphql-scalars';
import { PAGE_LIMIT_DEFAULT } from '../../domain/page.js';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import type { AuditEvent } from '../../entities/audit-event.entity.js';
import { PageOf } from './page.type.js';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'Who did what to which record, when, from where, and which fields changed.' })
export class AuditEventView {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => ID, { nullable: true, description: 'The user who acted; null for the operator (CLI) and for failed sign-ins.' })
  actorId!: string | null;

  @Field(() => String, { description: "The actor's email, \"operator (cli)\", or the email tried at a sign-in." })
  actorLabel!: string;

  @Field(() => String, { description: 'api, console or cli.' })
  channel!: string;

  @Field(() => String, { description: 'user.create, user.update, user.delete, user.unlock, client.*, ticket.*, login.success, login.failure, login.lockout.' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'user, client or ticket.' })
  targetType!: string | null;

  @Field(() => ID, { nullable: true })
  targetId!: string | null;

  @Field(() => String, { nullable: true, description: "How the target read at the time: a user's email, a client's name, a ticket's title." })
  targetLabel!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Changed fields as { field: { from, to } }; a password only as "changed".' })
  changes!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The network address of the request.' })
  sourceAddress!: string | null;
}

@ObjectType('AuditEventPage', { simpleResolvers: true })
export class AuditEventPageView extends PageOf(AuditEventView) {}

@ArgsType()
export class AuditLogArgs {
  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  targetType?: string | null;

  @Field(() => ID, { nullable: true })
  targetId?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => Date, { nullable: true, description: 'At or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'At or before this time.' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  skip!: number;

  @Field(() => Int, { nullable: true, defaultValue: PAGE_LIMIT_DEFAULT })
  limit!: number;
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: String(event.id),
    at: event.at,
    actorId: event.actorId == null ? null : String(event.actorId),
    actorLabel: event.actorLabel,
    channel: event.channel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    targetLabel: event.targetLabel,
    changes: event.changes,
    sourceAddress: event.sourceAddress,
  };
}
