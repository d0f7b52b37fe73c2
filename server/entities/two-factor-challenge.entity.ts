import { EntitySchema } from '@mikro-orm/core';
import { User } from './user.entity.js';

/**
 * Between a sign-in's right password and its code: the challenge `login` answered with, kept as a
 * hash, for this sign-in only (used once), for a few minutes.
 */
export class TwoFactorChallenge {
  id!: string;
  user!: User;
  tokenHash!: string;
  createdAt: Date = new Date();
  expiresAt!: Date;
  usedAt: Date | null = null;
}

export const TwoFactorChallengeSchema = new EntitySchema<TwoFactorChallenge>({
  class: TwoFactorChallenge,
  tableName: 'two_factor_challenges',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, deleteRule: 'cascade', updateRule: 'cascade', index: 'two_factor_challenges_user_id_index' },
    tokenHash: { type: 'string', length: 64, unique: 'two_factor_challenges_token_hash_unique' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    usedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
