import { EntitySchema } from '@mikro-orm/core';

/** A failed login, kept to throttle guessing per email across every server instance. */
export class LoginFailure {
  id!: number;
  email!: string;
  source!: string | null;
  createdAt: Date = new Date();
}

export const LoginFailureSchema = new EntitySchema<LoginFailure>({
  class: LoginFailure,
  tableName: 'login_failures',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    email: { type: 'string', length: 254 },
    source: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
  },
  indexes: [
    { name: 'login_failures_email_created_at_index', properties: ['email', 'createdAt'] },
    { name: 'login_failures_source_created_at_index', properties: ['source', 'createdAt'] },
  ],
});
