import { Collection, EntitySchema } from '@mikro-orm/core';
import type { Role } from '../domain/roles.js';
import { USER_STATUSES, type UserStatus } from '../domain/user-status.js';
import { Client } from './client.entity.js';
import { UserClient } from './user-client.entity.js';

export class User {
  id!: number;
  name!: string;
  /** Stored trimmed and lower-cased. */
  email!: string;
  /** Null until an invited user chooses a password. */
  passwordHash!: string | null;
  roles!: Role[];
  clients = new Collection<Client>(this);
  notifyByEmail = true;
  notifyInUi = true;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  lastLoginAt: Date | null = null;
  status: UserStatus = 'active';
  /** The TOTP secret, encrypted (auth/secret-box.ts); null while two-factor is off. */
  totpSecret: string | null = null;
  /** A secret being enrolled, until a code confirms it. */
  totpPendingSecret: string | null = null;
  totpEnabledAt: Date | null = null;
  /** The last time step whose code was accepted: a code of it or before is not accepted again. */
  totpLastStep: string | null = null;
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'string', length: 200 },
    email: { type: 'string', length: 254 },
    passwordHash: { type: 'string', length: 100, lazy: true, hidden: true, nullable: true },
    roles: { type: 'string[]', columnType: 'text[]' },
    clients: {
      kind: 'm:n',
      entity: () => Client,
      owner: true,
      pivotEntity: () => UserClient,
    },
    notifyByEmail: { type: 'boolean', fieldName: 'notify_by_email', default: true },
    notifyInUi: { type: 'boolean', fieldName: 'notify_in_ui', default: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    updatedAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() },
    lastLoginAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    status: { enum: true, items: () => [...USER_STATUSES], default: 'active' },
    totpSecret: { type: 'text', nullable: true, lazy: true, hidden: true },
    totpPendingSecret: { type: 'text', nullable: true, lazy: true, hidden: true },
    totpEnabledAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    totpLastStep: { type: 'bigint', nullable: true, lazy: true, hidden: true },
  },
  // Case-insensitive uniqueness held by the database, so concurrent creates cannot both win.
  checks: [{ name: 'users_roles_check', expression: `cardinality("roles") >= 1 and "roles" <@ array['admin', 'user']::text[]` }],
  uniques: [{ name: 'users_email_lower_unique', expression: 'create unique index "users_email_lower_unique" on "users" (lower("email"))' }],
  // The users search matches a case-insensitive substring (ilike '%…%'): trigram indexes (pg_trgm,
  // created by the migration) answer it without reading every row.
  indexes: [
    { name: 'users_name_trgm_index', expression: 'create index "users_name_trgm_index" on "users" using gin ("name" gin_trgm_ops)' },
    { name: 'users_email_trgm_index', expression: 'create index "users_email_trgm_index" on "users" using gin ("email" gin_trgm_ops)' },
  ],
});
