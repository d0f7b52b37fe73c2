import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditChannel, type AuditChanges, type AuditTarget } from '../domain/audit.js';
import { checkPage, pageOf, type Page, type PageQuery } from '../domain/page.js';
import { FieldProblems, checkId } from '../domain/validation.js';
import { AuditEvent } from '../entities/audit-event.entity.js';
import type { ServiceContext } from './context.js';
import { requireAdmin } from './guards.js';
import { insertAll } from './persistence.js';

export interface AuditEntry {
  action: AuditAction;
  targetType?: AuditTarget;
  targetId?: number | string | null;
  /** How the target reads now (a user's email, a client's name, a ticket's title): the log reads without a lookup, and after a deletion. */
  targetLabel?: string | null;
  changes?: AuditChanges | null;
}

export interface AuditQuery extends PageQuery {
  actorId?: string | number | null;
  targetType?: string | null;
  targetId?: string | number | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** Where an entry came from when the context does not say: users act through the API, the system through the CLI. */
function channelOf(ctx: Pick<ServiceContext, 'actor' | 'channel'>): AuditChannel {
  return ctx.channel ?? (ctx.actor.kind === 'system' ? 'cli' : 'api');
}

function labelOf(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.email;
    case 'system':
      return `operator (${actor.via})`;
    default:
      return 'anonymous';
  }
}

/**
 * The audit log: every change to users, clients and tickets, every sign-in and failed sign-in,
 * every lockout and unlock. Entries are written in the transaction of the change itself, so the
 * log holds exactly what happened; only admins read it.
 */
export class AuditLog {
  /** Inside the caller's transaction (`em`), for the context's actor. */
  async record(em: EntityManager, ctx: Pick<ServiceContext, 'actor' | 'channel' | 'sourceAddress'>, entry: AuditEntry): Promise<void> {
    await this.recordMany(em, ctx, [entry]);
  }

  /** Several entries of one change (a bulk import's), in as few statements as the database allows. */
  async recordMany(em: EntityManager, ctx: Pick<ServiceContext, 'actor' | 'channel' | 'sourceAddress'>, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date();
    const actor = { actorId: ctx.actor.kind === 'user' ? ctx.actor.id : null, actorLabel: labelOf(ctx.actor).slice(0, 300), channel: channelOf(ctx), sourceAddress: ctx.sourceAddress?.slice(0, 64) ?? null };
    await insertAll(
      em,
      AuditEvent,
      entries.map(
        (entry) =>
          ({
            at,
            ...actor,
            action: entry.action,
            targetType: entry.targetType ?? null,
            targetId: entry.targetId == null ? null : String(entry.targetId),
            targetLabel: entry.targetLabel?.slice(0, 300) ?? null,
            changes: entry.changes && Object.keys(entry.changes).length > 0 ? entry.changes : null,
          }) as never,
      ),
    );
  }

  /**
   * A sign-in event, where the actor is whoever the email names (or nobody yet). `email` is ''
   * when what was typed is not an email address: that text is never recorded.
   */
  async recordSignIn(
    em: EntityManager,
    event: { action: Extract<AuditAction, `login.${string}` | 'two-factor.failure'>; email: string; userId: number | null; channel?: AuditChannel; sourceAddress: string | null; detail?: AuditChanges },
  ): Promise<void> {
    await em.insert(AuditEvent, {
      at: new Date(),
      actorId: event.action === 'login.success' ? event.userId : null,
      actorLabel: event.email.slice(0, 300) || '(not an email address)',
      channel: event.channel ?? 'api',
      action: event.action,
      targetType: event.userId === null ? null : 'user',
      targetId: event.userId === null ? null : String(event.userId),
      targetLabel: event.userId === null ? null : event.email || null,
      changes: event.detail ?? null,
      sourceAddress: event.sourceAddress?.slice(0, 64) ?? null,
    } as AuditEvent);
  }

  /** ADMIN: the log, newest first, filtered by actor, target, action and time range. */
  async list(ctx: ServiceContext, query: AuditQuery = {}): Promise<Page<AuditEvent>> {
    requireAdmin(ctx.actor);
    const problems = new FieldProblems();
    const page = checkPage(query, problems);
    const where: FilterQuery<AuditEvent> = {};
    if (query.actorId != null) {
      const id = problems.take('actorId', checkId(query.actorId));
      if (id !== undefined) where.actorId = id;
    }
    if (query.targetType != null) {
      if (!['user', 'client', 'ticket'].includes(query.targetType)) problems.add('targetType', 'must be one of user, client, ticket');
      else where.targetType = query.targetType;
    }
    if (query.targetId != null) {
      const id = problems.take('targetId', checkId(query.targetId));
      if (id !== undefined) where.targetId = String(id);
    }
    if (query.action != null) {
      if (!isAuditAction(query.action)) problems.add('action', `must be one of ${AUDIT_ACTIONS.join(', ')}`);
      else where.action = query.action;
    }
    if (query.from != null || query.to != null) {
      if (query.from && query.to && query.from > query.to) problems.add('from', 'must not be after to');
      where.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    }
    problems.throwIfAny();
    const [items, total] = await ctx.em.findAndCount(AuditEvent, where, { orderBy: { id: 'desc' }, offset: page.skip, limit: page.limit });
    return pageOf(items, total, page);
  }
}
