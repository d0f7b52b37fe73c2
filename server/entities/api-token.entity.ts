import { EntitySchema } from '@mikro-orm/core';
import { User } from './user.entity.js';

/**
 * A long-lived credential for a script (auth/api-tokens.ts): acts as its user, with the user's
 * roles and client list as they are at each request. Works until `expiresAt` (null: never), until
 * revoked (`revokedAt`: by its user, an admin, the operator, or the user's suspension), and while
 * its user is active; deleted with its user. Only the secret's SHA-256 is kept.
 */
export class ApiToken {
  id!: string;
  user!: User;
  name!: string;
  tokenHash!: string;
  createdAt: Date = new Date();
  expiresAt: Date | null = null;
  /** Written at most once a minute, by the request that finds it older. */
  lastUsedAt: Date | null = null;
  revokedAt: Date | null = null;
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade', index: 'api_tokens_user_id_index' },
    name: { type: 'string', length: 200 },
    tokenHash: { type: 'string', length: 64, lazy: true, hidden: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    expiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    lastUsedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
