import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { checkPage, pageOf, type Page, type PageQuery } from '../domain/page.js';
import { describeStatus, type TicketStatus } from '../domain/tickets.js';
import { FieldProblems, checkIds } from '../domain/validation.js';
import { Notification } from '../entities/notification.entity.js';
import { OutboxEmail } from '../entities/outbox-email.entity.js';
import { CLIENT_SCOPE_FILTER, Ticket } from '../entities/ticket.entity.js';
import type { ServiceContext } from './context.js';
import { queueEmails } from './outbox.js';
import { requireUser } from './guards.js';

export type TicketEvent = { kind: 'created'; ticketId: number } | { kind: 'status'; ticketId: number; from: TicketStatus; to: TicketStatus };

export interface NotificationPage extends Page<Notification> {
  unread: number;
}

export interface NotificationOptions {
  /** Where people open a ticket in the console, for the link in emails. */
  ticketUrl(ticketId: number): string;
  /** Called after a transaction that wrote emails has committed: the outbox worker may start at once. */
  onEmailQueued?(): void;
}

interface Recipient {
  id: number;
  email: string;
  notify_by_email: boolean;
  notify_in_ui: boolean;
}

/**
 * Who hears about a ticket, and how. When a ticket is created or its status changes, every user
 * with access to its client (admins included), except the one who made the change, is notified
 * as their preferences say: `ui` → an in-app notification, `email` → an email in the outbox. Both
 * are written in the transaction of the change itself: no change without its notifications, no
 * notification for a change that was rolled back.
 */
export class NotificationService {
  constructor(private readonly options: NotificationOptions) {}

  /** Inside the caller's transaction. */
  async ticketChanged(em: EntityManager, actor: Actor, event: TicketEvent): Promise<void> {
    const ticket = await em.findOneOrFail(Ticket, event.ticketId, { populate: ['client'], filters: false });
    const recipients = await em.execute<Recipient[]>(
      `select u."id", u."email", u."notify_by_email", u."notify_in_ui" from "users" u
        where ('admin' = any(u."roles") or exists (select 1 from "user_clients" uc where uc."user_id" = u."id" and uc."client_id" = ?))
          and u."id" <> ? and u."status" = 'active'
        order by u."id"`,
      [ticket.client.id, actor.kind === 'user' ? actor.id : 0],
    );
    if (recipients.length === 0) return;
    const who = actor.kind === 'user' ? ((await em.execute<{ name: string }[]>(`select "name" from "users" where "id" = ?`, [actor.id]))[0]?.name ?? 'Someone') : 'An operator';
    const what = `ticket #${ticket.id} "${ticket.title}" of ${ticket.client.name}`;
    const message =
      event.kind === 'created' ? `${who} created ${what}` : `${who} changed the status of ${what} from ${describeStatus(event.from)} to ${describeStatus(event.to)}`;
    const now = new Date();

    const inApp = recipients.filter((r) => r.notify_in_ui);
    if (inApp.length > 0) {
      await em.insertMany(
        Notification,
        inApp.map((r) => ({ user: r.id, ticket: ticket.id, message, createdAt: now, readAt: null }) as never),
      );
    }
    const byEmail = recipients.filter((r) => r.notify_by_email);
    if (byEmail.length > 0) {
      const subject = event.kind === 'created' ? `[Tracker] New ticket #${ticket.id} for ${ticket.client.name}: ${ticket.title}` : `[Tracker] Ticket #${ticket.id} is now ${describeStatus(event.to)}: ${ticket.title}`;
      const text = [
        `${message}.`,
        '',
        `Client: ${ticket.client.name}`,
        `Status: ${describeStatus(ticket.status)}`,
        `Open it: ${this.options.ticketUrl(ticket.id)}`,
        '',
        'You receive this email because you have access to this client and email notifications are on in your profile.',
      ].join('\n');
      await queueEmails(em, byEmail.map((r) => ({ to: r.email, subject, text })));
    }
  }

  /** How many emails wait in the outbox, not yet sent (for the metrics). */
  async countPendingEmails(em: EntityManager): Promise<number> {
    return em.count(OutboxEmail, { sentAt: null });
  }

  /** After the change's transaction committed. */
  afterCommit(): void {
    this.options.onEmailQueued?.();
  }

  /** The caller's own notifications, newest first, with the count of unread ones. */
  async list(ctx: ServiceContext, query: { unreadOnly?: boolean } & PageQuery = {}): Promise<NotificationPage> {
    const me = requireUser(ctx.actor);
    const problems = new FieldProblems();
    const page = checkPage(query, problems);
    problems.throwIfAny();
    const where = query.unreadOnly ? { user: me.id, readAt: null } : { user: me.id };
    const [items, total] = await ctx.em.findAndCount(Notification, where, {
      // A ticket's creator is read as every user is (TicketService.creatorOf).
      populate: ['ticket', 'ticket.client'],
      orderBy: { id: 'desc' },
      offset: page.skip,
      limit: page.limit,
    });
    // Counting one's own notifications needs no ticket (nor the scope filter's join of them).
    const unread = query.unreadOnly
      ? total
      : await ctx.em.count(Notification, { user: me.id, readAt: null }, { filters: { [CLIENT_SCOPE_FILTER]: false } });
    return { ...pageOf(items, total, page), unread };
  }

  /** Marks the caller's own notifications read; returns how many changed (others' ids change nothing). */
  async markRead(ctx: ServiceContext, rawIds: readonly (string | number)[]): Promise<number> {
    const me = requireUser(ctx.actor);
    const problems = new FieldProblems();
    const ids = problems.take('ids', checkIds(rawIds));
    problems.throwIfAny();
    if (ids!.length === 0) return 0;
    return ctx.em.fork().nativeUpdate(Notification, { id: { $in: ids! }, user: me.id, readAt: null }, { readAt: new Date() });
  }
}
