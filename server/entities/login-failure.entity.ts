import { EntitySchema } from '@mikro-orm/core';

/**
 * A failed sign-in, kept to throttle guessing per email and per network address across every
 * server instance; `pending` while its password is still being checked (an attempt is counted
 * before the check, so that guesses arriving together are counted together).
 */
export class LoginFailure {
  id!: string;
  /** The attempted email, or '' when what was typed is not an email address (never stored). */
  email!: string;
  source!: string | null;
  createdAt: Date = new Date();
  pending = false;
}

export const LoginFailureSchema = new EntitySchema<LoginFailure>({
  class: LoginFailure,
  tableName: 'login_failures',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    email: { type: 'string', length: 254 },
    source: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    pending: { type: 'boolean', default: false },
  },
  indexes: [
    { name: 'login_failures_email_created_at_index', properties: ['email', 'createdAt'] },
    { name: 'login_failures_source_created_at_index', properties: ['source', 'createdAt'] },
  ],
});
