import { Field, ID, ObjectType } from 'type-graphql';
import type { SessionSummary } from '../../services/session.service.js';

@ObjectType('Session', { simpleResolvers: true, description: 'A sign-in: open until it expires, or until logout, revocation or a password change ends it.' })
export class SessionView {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: 'Updated at most once a minute.' })
  lastSeenAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: "The client's network address at sign-in (see TRUST_PROXY)." })
  address!: string | null;

  @Field(() => Boolean, { description: 'The session of the token asking.' })
  current!: boolean;
}

export function toSessionView(session: SessionSummary): SessionView {
  return {
    id: String(session.id),
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
    userAgent: session.userAgent,
    address: session.address,
    current: session.current,
  };
}
