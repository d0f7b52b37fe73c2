import { EntitySchema } from '@mikro-orm/core';
import { User } from './user.entity.js';

/** One of a user's recovery codes (a second factor for when the authenticator is lost): its SHA-256 only, usable once. */
export class RecoveryCode {
  id!: string;
  user!: User;
  codeHash!: string;
  createdAt: Date = new Date();
  usedAt: Date | null = null;
}

export const RecoveryCodeSchema = new EntitySchema<RecoveryCode>({
  class: RecoveryCode,
  tableName: 'recovery_codes',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade', index: 'recovery_codes_user_id_index' },
    codeHash: { type: 'string', length: 64 },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    usedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
