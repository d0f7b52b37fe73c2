import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashLinkToken, newLinkToken } from '../auth/link-tokens.js';
import { User } from '../entities/user.entity.js';
import { UserLink, type LinkPurpose } from '../entities/user-link.entity.js';

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
    await this.supersede(em, userId, purpose);
    const { token, hash } = newLinkToken();
    const now = new Date();
    em.create(UserLink, {
      user: em.getReference(User, userId),
      purpose,
      tokenHash: hash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.ttlSeconds[purpose] * 1000),
      createdBy: createdById === null ? null : em.getReference(User, createdById),
    } as UserLink);
    await em.flush();
    const page = purpose === 'invite' ? 'accept-invite' : 'reset-password';
    return `${this.publicUrl}/${page}?token=${token}`;
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
    await this.supersede(em, opened.user.id, opened.link.purpose);
  }

  /** Inside the caller's transaction: every unused link of the user stops working (their suspension). Returns how many did. */
  async endAll(em: EntityManager, userId: number): Promise<number> {
    const now = new Date();
    return em.nativeUpdate(UserLink, { user: userId, usedAt: null, expiresAt: { $gt: now } }, { expiresAt: now });
  }

  /** The user's unused links of this purpose stop working (their rows stay: they count towards the hourly limit). */
  private async supersede(em: EntityManager, userId: number, purpose: LinkPurpose): Promise<void> {
    const now = new Date();
    await em.nativeUpdate(UserLink, { user: userId, purpose, usedAt: null, expiresAt: { $gt: now } }, { expiresAt: now });
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
