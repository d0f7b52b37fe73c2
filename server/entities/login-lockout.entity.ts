import { EntitySchema } from '@mikro-orm/core';

/**
 * A sign-in lockout, for one email ("email:…") or one network address ("source:…"). Kept in the
 * database so that every server instance enforces it. `level` grows with repeated lockouts,
 * and with it the lockout's length.
 */
export class LoginLockout {
  key!: string;
  lockedUntil!: Date;
  level = 1;
  updatedAt: Date = new Date();
}

export const LoginLockoutSchema = new EntitySchema<LoginLockout>({
  class: LoginLockout,
  tableName: 'login_lockouts',
  properties: {
    key: { type: 'string', length: 300, primary: true },
    lockedUntil: { type: 'Date', columnType: 'timestamptz' },
    level: { type: 'integer', default: 1 },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
