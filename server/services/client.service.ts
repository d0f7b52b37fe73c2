import { clientScope } from '../domain/access.js';
import { diffFields } from '../domain/audit.js';
import { DomainError, MESSAGES, notFound } from '../domain/errors.js';
import { FieldProblems, checkName, requireId } from '../domain/validation.js';
import { Client } from '../entities/client.entity.js';
import type { ActorChanges } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import { requireAdmin, requireClientAccess } from './guards.js';
import { escapeLike, inTransaction } from './persistence.js';
import { countClientTickets } from './ticket.service.js';

const nameTaken = () => new DomainError('ALREADY_EXISTS', MESSAGES.clientNameTaken);

export interface ClientData {
  name: string;
}

/** Clients (customer accounts): admins manage them; a user sees the ones on their access list. */
export class ClientService {
  constructor(
    private readonly audit: AuditLog,
    /** Told after a deletion changed users' access lists. */
    private readonly actors: ActorChanges,
  ) {}

  /** Admins: every client; anyone else: the clients on their access list. By name. */
  async list({ em, actor }: ServiceContext): Promise<Client[]> {
    const scope = clientScope(actor);
    if (!scope.all && scope.clientIds.length === 0) return [];
    return em.find(Client, scope.all ? {} : { id: { $in: [...scope.clientIds] } }, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async get({ em, actor }: ServiceContext, rawId: string | number): Promise<Client> {
    const id = requireId(rawId);
    requireClientAccess(actor, id);
    const client = await em.findOne(Client, id);
    if (!client) throw notFound('client');
    return client;
  }

  async create(ctx: ServiceContext, data: ClientData): Promise<Client> {
    const { em, actor } = ctx;
    requireAdmin(actor);
    const name = validName(data);
    if (await em.count(Client, { name: { $ilike: escapeLike(name) } })) throw nameTaken();
    return inTransaction(em, async (tx) => {
      const client = tx.create(Client, { name } as Client);
      await tx.flush();
      await this.audit.record(tx, ctx, { action: 'client.create', targetType: 'client', targetId: client.id, targetLabel: name, changes: { name: { to: name } } });
      return client;
    }, { unique: nameTaken });
  }

  async update(ctx: ServiceContext, rawId: string | number, data: ClientData): Promise<Client> {
    const { em, actor } = ctx;
    requireAdmin(actor);
    const id = requireId(rawId);
    const name = validName(data);
    return inTransaction(em, async (tx) => {
      const client = await tx.findOne(Client, id);
      if (!client) throw notFound('client');
      const changes = diffFields({ name: client.name }, { name });
      client.name = name;
      client.updatedAt = new Date();
      await tx.flush();
      await this.audit.record(tx, ctx, { action: 'client.update', targetType: 'client', targetId: id, targetLabel: name, changes });
      return client;
    }, { unique: nameTaken });
  }

  /**
   * Deleting a client also removes it from every access list (the database cascades). A client
   * that still has tickets is kept: CONFLICT, since deleting it would orphan them.
   */
  async remove(ctx: ServiceContext, rawId: string | number): Promise<number> {
    const { em, actor } = ctx;
    requireAdmin(actor);
    const id = requireId(rawId);
    const inTheWay = (count: number) =>
      new DomainError('CONFLICT', `The client still has ${count} ticket${count === 1 ? '' : 's'}: delete them before deleting the client`, { tickets: count });
    await inTransaction(
      em,
      async (tx) => {
        const tickets = await countClientTickets(tx, id);
        if (tickets > 0) throw inTheWay(tickets);
        const gone = await tx.findOne(Client, id);
        const deleted = await tx.nativeDelete(Client, id);
        if (deleted === 0 || !gone) throw notFound('client');
        await this.audit.record(tx, ctx, { action: 'client.delete', targetType: 'client', targetId: id, targetLabel: gone.name, changes: { name: { from: gone.name } } });
      },
      // A ticket created for it meanwhile: the foreign key refuses, and so do we.
      { foreignKey: () => new DomainError('CONFLICT', 'A ticket was just created for this client: delete its tickets before deleting the client') },
    );
    // Every user who had it lost it from their access list.
    this.actors.changed('all');
    return id;
  }
}

function validName(data: ClientData): string {
  const problems = new FieldProblems();
  const name = problems.take('name', checkName(data.name));
  problems.throwIfAny();
  return name!;
}
