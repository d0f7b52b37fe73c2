import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatApiToken, newApiTokenSecret, parseApiToken, secretMatches } from '../auth/api-tokens.js';
import { isAdmin } from '../domain/access.js';
import { userActor, type UserActor } from '../domain/actor.js';
import { DomainError, MESSAGES, needsSignIn, notFound } from '../domain/errors.js';
import { API_TOKEN_LAST_USED_INTERVAL_MS, API_TOKEN_MAX_DAYS, API_TOKENS_PER_USER } from '../domain/limits.js';
import { isRole } from '../domain/roles.js';
import { FieldProblems, checkName, requireId } from '../domain/validation.js';
import { ApiToken } from '../entities/api-token.entity.js';
import { User } from '../entities/user.entity.js';
import { credentialKey, type ActorDirectory, type SignedIn } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import { requireAdmin, requireUser } from './guards.js';
import { inTransaction } from './persistence.js';

/** An API token as people see it: never its secret, which is shown once, when it is made. */
export interface ApiTokenSummary {
  id: number;
  userId: number;
  name: string;
  createdAt: Date;
  /** Null: it never expires. */
  expiresAt: Date | null;
  /** Updated at most once a minute; null: never used. */
  lastUsedAt: Date | null;
}

export interface NewApiToken {
  /** `trk_…`: shown once, kept nowhere. */
  token: string;
  apiToken: ApiTokenSummary;
}

/** Raw input as it arrives from GraphQL or the CLI; the service validates every field. */
export interface CreateApiTokenData {
  name: string;
  /** 1 to API_TOKEN_MAX_DAYS; omitted (null): the token never expires. */
  expiresInDays?: number | null;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * API tokens: long-lived credentials for scripts, so that no script holds a person's password. A
 * token acts as its user, with the roles and client access list the user has at each request; it
 * works until it expires, is revoked (by its user, an admin, the operator), or its user is
 * suspended (every token revoked) or deleted (every token gone). Ending one tells this instance's
 * ActorDirectory at once and every other one through the database's notification
 * (Migration20261201120000). A request made with a token cannot make tokens (nor change a password
 * or two-factor: `refuseApiToken`), so a leaked token cannot entrench itself.
 */
export class ApiTokenService {
  constructor(
    /** The database's root EntityManager: authenticating a request forks its own unit of work. */
    private readonly root: EntityManager,
    private readonly audit: AuditLog,
    private readonly actors: ActorDirectory,
  ) {}

  /** A token for the signed-in user, who must have signed in with their password (not with a token). */
  async create(ctx: ServiceContext, data: CreateApiTokenData): Promise<NewApiToken> {
    const me = requireUser(ctx.actor);
    refuseApiToken(ctx, 'create API tokens');
    return this.issue(ctx, me.id, data);
  }

  /** A token for any user: the operator's (./scripts/token create). An admin makes their own only: a token acts as its user. */
  async createFor(ctx: ServiceContext, rawUserId: string | number, data: CreateApiTokenData): Promise<NewApiToken> {
    if (ctx.actor.kind !== 'system') throw new DomainError('FORBIDDEN', 'Only the operator can make an API token for another user');
    return this.issue(ctx, requireId(rawUserId, 'userId'), data);
  }

  /** The caller's tokens that are not revoked (expired ones too, until revoked), newest first. */
  async listMine(ctx: ServiceContext): Promise<ApiTokenSummary[]> {
    const me = requireUser(ctx.actor);
    return this.find(ctx.em, me.id);
  }

  /** A user's tokens (ADMIN, or the operator), newest first; NOT_FOUND for no such user. */
  async listOf(ctx: ServiceContext, rawUserId: string | number): Promise<ApiTokenSummary[]> {
    requireAdmin(ctx.actor);
    const userId = requireId(rawUserId, 'userId');
    if (!(await ctx.em.count(User, userId))) throw notFound('user');
    return this.find(ctx.em, userId);
  }

  /** Every user's tokens (ADMIN, or the operator), newest first. */
  async listAll(ctx: ServiceContext): Promise<ApiTokenSummary[]> {
    requireAdmin(ctx.actor);
    return this.find(ctx.em, null);
  }

  /** Revokes one of the caller's own tokens, or anyone's for an admin; NOT_FOUND for any other id (or one already revoked). */
  async revoke(ctx: ServiceContext, rawId: string | number): Promise<boolean> {
    const id = requireId(rawId);
    await inTransaction(ctx.em, async (em) => {
      const token = await em.findOne(ApiToken, { id: String(id), revokedAt: null }, { populate: ['user'] });
      const mine = ctx.actor.kind === 'user' && token?.user.id === ctx.actor.id;
      if (!token || !(mine || isAdmin(ctx.actor))) throw notFound('apiToken');
      await em.nativeUpdate(ApiToken, { id: String(id), revokedAt: null }, { revokedAt: new Date() });
      await this.audit.record(em, ctx, { action: 'api-token.revoke', targetType: 'user', targetId: token.user.id, targetLabel: token.user.email, changes: { apiToken: `${token.name} (${id}) revoked` } });
    });
    this.actors.ended([credentialKey('api-token', id)]);
    return true;
  }

  /**
   * Inside the caller's transaction: revokes every token of a user (their suspension does). Returns
   * the credentials that ended; the caller tells the ActorDirectory after committing.
   */
  async revokeAllOf(em: EntityManager, userId: number): Promise<string[]> {
    const rows = await em.execute<{ id: string }[]>(`update "api_tokens" set "revoked_at" = now() where "user_id" = ? and "revoked_at" is null returning "id"`, [userId]);
    return rows.map((row) => credentialKey('api-token', row.id));
  }

  /**
   * The user an API token speaks for, with roles and client access list as the database has them
   * now: read in one statement, or from the ActorDirectory. The secret is compared with the stored
   * hash on every request, from memory too. UNAUTHENTICATED for a token that is malformed, unknown,
   * wrong, revoked or expired, or whose user is not active.
   */
  async authenticate(token: string): Promise<UserActor> {
    const presented = parseApiToken(token);
    if (!presented) throw new DomainError('UNAUTHENTICATED', MESSAGES.apiTokenInvalid);
    const entry = await this.actors.lookup(credentialKey('api-token', presented.id), () => loadApiToken(this.root.fork(), presented.id));
    if (!entry?.secretHash || !secretMatches(presented.secret, entry.secretHash)) throw new DomainError('UNAUTHENTICATED', MESSAGES.apiTokenInvalid);
    const now = Date.now();
    if (entry.expiresAt && entry.expiresAt.getTime() <= now) throw new DomainError('UNAUTHENTICATED', MESSAGES.apiTokenInvalid);
    if (!entry.lastSeenAt || now - entry.lastSeenAt.getTime() >= API_TOKEN_LAST_USED_INTERVAL_MS) {
      // Recorded at most once a minute, off the request's path: a failure here costs nothing but the record.
      entry.lastSeenAt = new Date(now);
      this.root
        .fork()
        .execute(`update "api_tokens" set "last_used_at" = now() where "id" = ? and "revoked_at" is null`, [presented.id])
        .catch(() => undefined);
    }
    return entry.actor;
  }

  private async issue(ctx: ServiceContext, userId: number, data: CreateApiTokenData): Promise<NewApiToken> {
    const problems = new FieldProblems();
    const name = problems.take('name', checkName(String(data.name ?? '')));
    const days = data.expiresInDays ?? null;
    if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= API_TOKEN_MAX_DAYS)) problems.add('expiresInDays', `must be a whole number of days from 1 to ${API_TOKEN_MAX_DAYS}, or left out for a token that never expires`);
    problems.throwIfAny();
    const { secret, hash } = newApiTokenSecret();
    const row = await inTransaction(ctx.em, async (em) => {
      // The user's row, locked: tokens made together count against the limit one after another.
      const user = await em.findOne(User, userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('user');
      if (user.status !== 'active') throw new DomainError('CONFLICT', MESSAGES.apiTokenUserNotActive);
      const now = new Date();
      const held = await em.count(ApiToken, { user: userId, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });
      if (held >= API_TOKENS_PER_USER) throw new DomainError('CONFLICT', `A user can hold at most ${API_TOKENS_PER_USER} API tokens: revoke one first`);
      const token = em.create(ApiToken, { user, name: name!, tokenHash: hash, createdAt: now, expiresAt: days === null ? null : new Date(now.getTime() + days * DAY_MS) } as ApiToken);
      await em.flush();
      await this.audit.record(em, ctx, {
        action: 'api-token.create',
        targetType: 'user',
        targetId: userId,
        targetLabel: user.email,
        changes: { apiToken: `${token.name} (${token.id})`, expiresAt: token.expiresAt ? token.expiresAt.toISOString() : 'never' },
      });
      return token;
    });
    return { token: formatApiToken(Number(row.id), secret), apiToken: summaryOf(row, userId) };
  }

  private async find(em: EntityManager, userId: number | null): Promise<ApiTokenSummary[]> {
    const rows = await em.find(ApiToken, { ...(userId === null ? {} : { user: userId }), revokedAt: null }, { orderBy: { createdAt: 'desc', id: 'desc' } });
    return rows.map((row) => summaryOf(row, row.user.id));
  }
}

/**
 * FORBIDDEN when the request was made with an API token: what only a person signed in with their
 * password may do (make tokens, change a password, change two-factor).
 */
export function refuseApiToken(ctx: Pick<ServiceContext, 'actor'>, what: string): void {
  if (ctx.actor.kind === 'user' && ctx.actor.credential?.kind === 'api-token') throw needsSignIn(what);
}

function summaryOf(row: ApiToken, userId: number): ApiTokenSummary {
  return { id: Number(row.id), userId, name: row.name, createdAt: row.createdAt, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt };
}

/** A working API token (not revoked, not expired) and its active user as the database has them now: one statement. */
async function loadApiToken(em: EntityManager, id: number): Promise<SignedIn | undefined> {
  const rows = await em.execute<{ user_id: number; token_hash: string; email: string; roles: string[]; client_ids: number[]; expires_at: string | null; last_used_at: string | null; two_factor: boolean }[]>(
    `select t."user_id", t."token_hash", t."expires_at", t."last_used_at", u."email", u."roles", u."totp_enabled_at" is not null as "two_factor",
            coalesce(array(select uc."client_id" from "user_clients" uc where uc."user_id" = u."id"), '{}') as "client_ids"
       from "api_tokens" t join "users" u on u."id" = t."user_id"
      where t."id" = ? and t."revoked_at" is null and (t."expires_at" is null or t."expires_at" > now()) and u."status" = 'active'`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const userId = Number(row.user_id);
  return {
    actor: userActor(userId, row.email, row.roles.filter(isRole), row.client_ids.map(Number), { kind: 'api-token', id }, row.two_factor),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    lastSeenAt: row.last_used_at === null ? null : new Date(row.last_used_at),
    secretHash: row.token_hash,
  };
}
