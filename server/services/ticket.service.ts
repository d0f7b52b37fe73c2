import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { diffFields } from '../domain/audit.js';
import { DomainError, ValidationError, notFound } from '../domain/errors.js';
import { checkPage, pageOf, type Page, type PageQuery } from '../domain/page.js';
import { TICKET_DESCRIPTION_MAX_LENGTH, TICKET_STATUSES, isTicketStatus, type TicketStatus } from '../domain/tickets.js';
import { FieldProblems, checkId, checkName, requireId } from '../domain/validation.js';
import { Client } from '../entities/client.entity.js';
import { Ticket } from '../entities/ticket.entity.js';
import { User } from '../entities/user.entity.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import { requireClientAccess } from './guards.js';
import type { NotificationService } from './notification.service.js';
import { inTransaction } from './persistence.js';
import type { UserSummary, UserSummaryReader } from './user-read-model.js';

export interface CreateTicketData {
  clientId: string | number;
  title: string;
  description?: string | null;
}

export interface UpdateTicketData {
  title?: string | null;
  description?: string | null;
  status?: string | null;
}

export interface ListTicketsQuery extends PageQuery {
  clientId?: string | number | null;
  status?: string | null;
}

/** A ticket's creator is read as every user is (creatorOf), not through the ticket. */
const POPULATE = ['client'] as const;

/**
 * Tickets, each of one client. A USER sees and changes only tickets of clients on their list;
 * an ADMIN sees all. Two layers hold that: the checks here, and the data-layer filter bound to the
 * unit of work (services/context.ts), which limits every ticket query by itself.
 */
export class TicketService {
  constructor(
    private readonly notifications: NotificationService,
    private readonly audit: AuditLog,
    private readonly users: UserSummaryReader,
  ) {}

  async list(ctx: ServiceContext, query: ListTicketsQuery = {}): Promise<Page<Ticket>> {
    const problems = new FieldProblems();
    const page = checkPage(query, problems);
    const where: FilterQuery<Ticket> = {};
    if (query.clientId != null) {
      const clientId = problems.take('clientId', checkId(query.clientId));
      if (clientId !== undefined) {
        requireClientAccess(ctx.actor, clientId);
        where.client = clientId;
      }
    }
    if (query.status != null) {
      if (isTicketStatus(query.status)) where.status = query.status;
      else problems.add('status', `must be one of ${TICKET_STATUSES.join(', ')}`);
    }
    problems.throwIfAny();
    const [items, total] = await ctx.em.findAndCount(Ticket, where, {
      populate: POPULATE,
      orderBy: { id: 'desc' },
      offset: page.skip,
      limit: page.limit,
    });
    return pageOf(items, total, page);
  }

  async get(ctx: ServiceContext, rawId: string | number): Promise<Ticket> {
    return this.findVisible(ctx, requireId(rawId));
  }

  /**
   * Who created a ticket the caller was given by this service (the id its `createdBy` holds), as
   * every read of a user returns them; null once that user is deleted. The reads of the creators of
   * a page's tickets, asked for together, are one statement (UserSummaryReader).
   */
  async creatorOf(ctx: ServiceContext, createdById: number | null): Promise<UserSummary | null> {
    return createdById === null ? null : this.users.read(ctx.em, createdById);
  }

  async create(ctx: ServiceContext, data: CreateTicketData): Promise<Ticket> {
    const problems = new FieldProblems();
    const clientId = problems.take('clientId', checkId(data.clientId));
    const title = problems.take('title', checkName(data.title));
    const description = checkDescription(data.description ?? '', problems);
    problems.throwIfAny();
    requireClientAccess(ctx.actor, clientId!);
    if (!(await ctx.em.count(Client, clientId!))) throw new ValidationError({ clientId: `no client with id ${clientId}` });

    const id = await inTransaction(
      ctx.em,
      async (em) => {
        const ticket = em.create(Ticket, {
          client: em.getReference(Client, clientId!),
          title: title!,
          description: description!,
          status: 'OPEN',
          createdBy: ctx.actor.kind === 'user' ? em.getReference(User, ctx.actor.id) : null,
        } as Ticket);
        await em.flush();
        await this.audit.record(em, ctx, {
          action: 'ticket.create',
          targetType: 'ticket',
          targetId: ticket.id,
          targetLabel: title,
          changes: { clientId: { to: clientId }, title: { to: title }, status: { to: 'OPEN' } },
        });
        await this.notifications.ticketChanged(em, ctx.actor, { kind: 'created', ticketId: ticket.id });
        return ticket.id;
      },
      { foreignKey: () => new ValidationError({ clientId: `no client with id ${clientId}` }) },
    );
    this.notifications.afterCommit();
    return this.reload(ctx, id);
  }

  async update(ctx: ServiceContext, rawId: string | number, data: UpdateTicketData): Promise<Ticket> {
    const id = requireId(rawId);
    const problems = new FieldProblems();
    const title = data.title == null ? undefined : problems.take('title', checkName(data.title));
    const description = data.description == null ? undefined : checkDescription(data.description, problems);
    let status: TicketStatus | undefined;
    if (data.status != null) {
      if (isTicketStatus(data.status)) status = data.status;
      else problems.add('status', `must be one of ${TICKET_STATUSES.join(', ')}`);
    }
    problems.throwIfAny();
    await this.findVisible(ctx, id);

    let changed = false;
    await inTransaction(ctx.em, async (em) => {
      const ticket = await em.findOne(Ticket, id);
      if (!ticket) throw notFound('ticket');
      const from = ticket.status;
      const before = { title: ticket.title, description: ticket.description, status: ticket.status };
      if (title !== undefined) ticket.title = title;
      if (description !== undefined) ticket.description = description;
      if (status !== undefined) ticket.status = status;
      ticket.updatedAt = new Date();
      await em.flush();
      const changes = diffFields(before, { title: ticket.title, description: ticket.description, status: ticket.status });
      await this.audit.record(em, ctx, { action: 'ticket.update', targetType: 'ticket', targetId: id, targetLabel: ticket.title, changes });
      if (status !== undefined && status !== from) {
        changed = true;
        await this.notifications.ticketChanged(em, ctx.actor, { kind: 'status', ticketId: id, from, to: status });
      }
    });
    if (changed) this.notifications.afterCommit();
    return this.reload(ctx, id);
  }

  async remove(ctx: ServiceContext, rawId: string | number): Promise<number> {
    const id = requireId(rawId);
    await this.findVisible(ctx, id);
    await inTransaction(ctx.em, async (em) => {
      const gone = await em.findOne(Ticket, id);
      if (!gone || (await em.nativeDelete(Ticket, id)) === 0) throw notFound('ticket');
      await this.audit.record(em, ctx, { action: 'ticket.delete', targetType: 'ticket', targetId: id, targetLabel: gone.title, changes: { title: { from: gone.title }, clientId: { from: gone.client.id } } });
    });
    return id;
  }

  /**
   * The ticket if the caller may see it. Not visible: NOT_FOUND when no such ticket exists at all,
   * FORBIDDEN when it belongs to a client outside the caller's list (a distinction the API documents;
   * the existence check is the one deliberate look past the scope filter).
   */
  private async findVisible(ctx: ServiceContext, id: number): Promise<Ticket> {
    const ticket = await ctx.em.findOne(Ticket, id, { populate: POPULATE });
    if (ticket) {
      requireClientAccess(ctx.actor, ticket.client.id);
      return ticket;
    }
    const hidden = await ctx.em.findOne(Ticket, id, { filters: false, fields: ['client'] });
    if (!hidden) throw notFound('ticket');
    throw new DomainError('FORBIDDEN', `Ticket ${id} belongs to a client that is not on your client access list`);
  }

  private async reload(ctx: ServiceContext, id: number): Promise<Ticket> {
    const ticket = await ctx.em.fork().findOne(Ticket, id, { populate: POPULATE });
    if (!ticket) throw notFound('ticket');
    return ticket;
  }
}

function checkDescription(raw: string, problems: FieldProblems): string | undefined {
  if ([...raw].length > TICKET_DESCRIPTION_MAX_LENGTH) {
    problems.add('description', `must be at most ${TICKET_DESCRIPTION_MAX_LENGTH} characters`);
    return undefined;
  }
  return raw;
}

/** How many tickets a client has, whatever the caller's scope (for the client deletion rule). */
export async function countClientTickets(em: EntityManager, clientId: number): Promise<number> {
  return em.count(Ticket, { client: clientId }, { filters: false });
}
