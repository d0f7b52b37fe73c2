import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashLinkToken, newLinkToken } from '../auth/link-tokens.js';
import { User } from '../entities/user.entity.js';
import { UserLink, type LinkPurpose } from '../entities/user-link.entity.js';
import { insertAll } from './persistence.js';

/** A link that works: its row and its user's. */
export interface ValidLink {
  link: UserLink;
  user: User;
}

/**
 * The links emailed to people: an invitation (`/accept-invite`) or a password reset
 * (`/reset-password`). Each is usable once, until it expires, and only the newest of its purpose
 * for its user works: a new one supersedes the others. The database keeps the token's hash only.
 */
export class AccountLinks {
  constructor(
    private readonly publicUrl: string,
    private readonly ttlSeconds: Record<LinkPurpose, number>,
  ) {}

  /** Inside the caller's transaction: a new link for `user` (older ones of its purpose stop working). Returns its URL. */
  async issue(em: EntityManager, userId: number, purpose: LinkPurpose, createdById: number | null): Promise<string> {
    return (await this.issueMany(em, [userId], purpose, createdById))[0]!;
  }

  /** `issue` for many users at once (a bulk import's invitations), in a few statements. Returns their URLs, in the order of the ids. */
  async issueMany(em: EntityManager, userIds: readonly number[], purpose: LinkPurpose, createdById: number | null): Promise<string[]> {
    if (userIds.length === 0) return [];
    await this.supersede(em, userIds, purpose);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttlSeconds[purpose] * 1000);
    const tokens = userIds.map(() => newLinkToken());
    await insertAll(
      em,
      UserLink,
      userIds.map((userId, i) => ({ user: userId, purpose, tokenHash: tokens[i]!.hash, createdAt: now, expiresAt, usedAt: null, createdBy: createdById }) as never),
    );
    const page = purpose === 'invite' ? 'accept-invite' : 'reset-password';
    return tokens.map(({ token }) => `${this.publicUrl}/${page}?token=${token}`);
  }

  /**
   * Inside the caller's transaction: the link this token opens, if it works (known, of this purpose,
   * not used, not expired), its row locked so that it is used once only; else null.
   */
  async open(em: EntityManager, token: string, purpose: LinkPurpose): Promise<ValidLink | null> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    const link = await em.findOne(UserLink, { tokenHash: hashLinkToken(token), purpose, usedAt: null, expiresAt: { $gt: new Date() } }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['user'] });
    return link ? { link, user: link.user } : null;
  }

  /** Inside the caller's transaction: the link is used (and every other link of the user's for this purpose stops working too). */
  async use(em: EntityManager, opened: ValidLink): Promise<void> {
    opened.link.usedAt = new Date();
    await em.flush();
    await this.supersede(em, [opened.user.id], opened.link.purpose);
  }

  /** Inside the caller's transaction: every unused link of the user stops working (their suspension). Returns how many did. */
  async endAll(em: EntityManager, userId: number): Promise<number> {
    const now = new Date();
    return em.nativeUpdate(UserLink, { user: userId, usedAt: null, expiresAt: { $gt: now } }, { expiresAt: now });
  }

  /** The user's unused links of this purpose stop working (their rows stay: they count towards the hourly limit). */
  private async supersede(em: EntityManager, userIds: readonly number[], purpose: LinkPurpose): Promise<void> {
    const now = new Date();
    await em.nativeUpdate(UserLink, { user: { $in: [...userIds] }, purpose, usedAt: null, expiresAt: { $gt: now } }, { expiresAt: now });
  }

  /** How many links of this purpose the user was sent since `since` (used or not). */
  async countSince(em: EntityManager, userId: number, purpose: LinkPurpose, since: Date): Promise<number> {
    return em.count(UserLink, { user: userId, purpose, createdAt: { $gte: since } });
  }

  /** How long a link of this purpose works, for the email to say. */
  ttl(purpose: LinkPurpose): number {
    return this.ttlSeconds[purpose];
  }
}
