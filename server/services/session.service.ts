import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../domain/access.js';
import { ADDRESS_MAX_LENGTH, USER_AGENT_MAX_LENGTH } from '../domain/limits.js';
import { notFound } from '../domain/errors.js';
import { requireId } from '../domain/validation.js';
import { Session } from '../entities/session.entity.js';
import { User } from '../entities/user.entity.js';
import { credentialKey, type CredentialChanges } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import { requireUser, requireUserAccess } from './guards.js';
import { inTransaction } from './persistence.js';

/** A session as people see it: where and since when someone is signed in. */
export interface SessionSummary {
  id: number;
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  address: string | null;
  /** Is it the session of the request asking? */
  current: boolean;
}

export interface NewSession {
  expiresAt: Date;
  userAgent?: string | null;
  address?: string | null;
}

/**
 * Sessions: one per sign-in, named by its token. A session is open until it expires or ends: at
 * logout, when revoked (by its user or an admin), when its user's password changes, and with its
 * user. Ending one tells this instance's ActorDirectory at once, and every other instance through
 * the database's notification (Migration20261201090000).
 */
export class SessionService {
  constructor(
    private readonly audit: AuditLog,
    private readonly credentials: CredentialChanges,
  ) {}

  /** Opens the session of a sign-in, inside the caller's transaction; returns its id. */
  async open(em: EntityManager, userId: number, session: NewSession): Promise<number> {
    const now = new Date();
    const row = em.create(Session, {
      user: em.getReference(User, userId),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: session.expiresAt,
      userAgent: session.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) || null,
      address: session.address?.slice(0, ADDRESS_MAX_LENGTH) || null,
    } as Session);
    await em.flush();
    return Number(row.id);
  }

  /** The caller's open sessions, newest first. */
  async listMine(ctx: ServiceContext): Promise<SessionSummary[]> {
    const me = requireUser(ctx.actor);
    return this.openSessions(ctx, me.id);
  }

  /** A user's open sessions, newest first (ADMIN, the user themselves, or the operator). */
  async listOf(ctx: ServiceContext, rawUserId: string | number): Promise<SessionSummary[]> {
    const userId = requireId(rawUserId, 'userId');
    requireUserAccess(ctx.actor, userId);
    if (!(await ctx.em.count(User, userId))) throw notFound('user');
    return this.openSessions(ctx, userId);
  }

  /** Ends one open session: one of the caller's own, or any for an admin. NOT_FOUND for any other id. */
  async revoke(ctx: ServiceContext, rawId: string | number): Promise<boolean> {
    const id = requireId(rawId);
    const ended = await inTransaction(ctx.em, async (em) => {
      const session = await em.findOne(Session, { id: String(id), endedAt: null, expiresAt: { $gt: new Date() } }, { populate: ['user'] });
      const mine = ctx.actor.kind === 'user' && session?.user.id === ctx.actor.id;
      if (!session || !(mine || isAdmin(ctx.actor))) throw notFound('session');
      await em.nativeUpdate(Session, { id: String(id), endedAt: null }, { endedAt: new Date() });
      await this.audit.record(em, ctx, { action: 'session.revoke', targetType: 'user', targetId: session.user.id, targetLabel: session.user.email, changes: { session: `${id} ended` } });
      return [credentialKey('session', id)];
    });
    this.credentials.ended(ended);
    return true;
  }

  /** Ends every open session of a user (ADMIN, the user themselves, or the operator); returns how many ended. */
  async revokeAllOf(ctx: ServiceContext, rawUserId: string | number): Promise<number> {
    const userId = requireId(rawUserId, 'userId');
    requireUserAccess(ctx.actor, userId);
    const ended = await inTransaction(ctx.em, async (em) => {
      const user = await em.findOne(User, userId, { fields: ['email'] });
      if (!user) throw notFound('user');
      const ids = await this.endAll(em, userId);
      await this.audit.record(em, ctx, { action: 'session.revoke', targetType: 'user', targetId: userId, targetLabel: user.email, changes: { sessions: `${ids.length} ended` } });
      return ids;
    });
    this.credentials.ended(ended.map((id) => credentialKey('session', id)));
    return ended.length;
  }

  /** Logout: ends the session the request was signed in with, if there is one. */
  async endCurrent(ctx: ServiceContext): Promise<boolean> {
    const credential = ctx.actor.kind === 'user' ? ctx.actor.credential : undefined;
    // An API token is no session: logging out with one ends nothing (revokeApiToken does that).
    if (credential?.kind !== 'session') return false;
    const ended = await inTransaction(ctx.em, async (em) => {
      const count = await em.nativeUpdate(Session, { id: String(credential.id), endedAt: null }, { endedAt: new Date() });
      if (count > 0 && ctx.actor.kind === 'user') await this.audit.record(em, ctx, { action: 'logout', targetType: 'user', targetId: ctx.actor.id, targetLabel: ctx.actor.email });
      return count > 0;
    });
    this.credentials.ended([credentialKey('session', credential.id)]);
    return ended;
  }

  /**
   * Inside the caller's transaction: ends every open session of a user (a password change does).
   * Returns their ids; the caller tells the ActorDirectory after committing.
   */
  async endAll(em: EntityManager, userId: number): Promise<number[]> {
    const rows = await em.execute<{ id: string }[]>(`update "sessions" set "ended_at" = now() where "user_id" = ? and "ended_at" is null returning "id"`, [userId]);
    return rows.map((row) => Number(row.id));
  }

  /** Records that a session was used now (at most once a minute per session: the caller decides when). */
  async touch(em: EntityManager, sessionId: number): Promise<void> {
    await em.execute(`update "sessions" set "last_seen_at" = now() where "id" = ? and "ended_at" is null`, [sessionId]);
  }

  /** How many sessions are open now, across every instance (for the metrics). */
  async countOpen(em: EntityManager): Promise<number> {
    return em.count(Session, { endedAt: null, expiresAt: { $gt: new Date() } });
  }

  private async openSessions(ctx: ServiceContext, userId: number): Promise<SessionSummary[]> {
    const rows = await ctx.em.find(Session, { user: userId, endedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc', id: 'desc' } });
    const credential = ctx.actor.kind === 'user' ? ctx.actor.credential : undefined;
    const current = credential?.kind === 'session' ? credential.id : undefined;
    return rows.map((row) => ({
      id: Number(row.id),
      userId,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      userAgent: row.userAgent,
      address: row.address,
      current: Number(row.id) === current,
    }));
  }
}
