import { EntitySchema } from '@mikro-orm/core';
import { User } from './user.entity.js';

export const LINK_PURPOSES = ['invite', 'reset'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/**
 * A link emailed to a person (an invitation, a password reset): usable once, until it expires, and
 * only the newest of its purpose for its user. The database keeps the SHA-256 of its token, never
 * the token.
 */
export class UserLink {
  id!: string;
  user!: User;
  purpose!: LinkPurpose;
  tokenHash!: string;
  createdAt: Date = new Date();
  expiresAt!: Date;
  usedAt: Date | null = null;
  /** Who sent it (the inviting admin); null for a reset a person asked for, or once that user is deleted. */
  createdBy: User | null = null;
}

export const UserLinkSchema = new EntitySchema<UserLink>({
  class: UserLink,
  tableName: 'user_links',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade' },
    purpose: { enum: true, items: () => [...LINK_PURPOSES] },
    tokenHash: { type: 'string', length: 64, unique: 'user_links_token_hash_unique' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    usedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    createdBy: { kind: 'm:1', entity: () => User, nullable: true, deleteRule: 'set null', updateRule: 'cascade', fieldName: 'created_by_id' },
  },
  indexes: [{ name: 'user_links_user_id_purpose_index', properties: ['user', 'purpose'] }],
});
