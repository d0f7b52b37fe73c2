import { EntitySchema } from '@mikro-orm/core';
import { User } from './user.entity.js';

/**
 * A sign-in: every token login issues names its session. Open until `expiresAt`, or until it
 * ends (`endedAt`: logout, revocation, a password change); deleted with its user.
 */
export class Session {
  id!: string;
  user!: User;
  createdAt: Date = new Date();
  /** Written at most once a minute, by the request that finds it older. */
  lastSeenAt: Date = new Date();
  expiresAt!: Date;
  endedAt: Date | null = null;
  userAgent: string | null = null;
  /** The client's network address at sign-in (TRUST_PROXY decides which one that is). */
  address: string | null = null;
}

export const SessionSchema = new EntitySchema<Session>({
  class: Session,
  tableName: 'sessions',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade', index: 'sessions_user_id_index' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    lastSeenAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    endedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    userAgent: { type: 'string', length: 300, nullable: true },
    address: { type: 'string', length: 64, nullable: true },
  },
});
