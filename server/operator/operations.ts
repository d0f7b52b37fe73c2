import type { AuditLog, AuditQuery } from '../services/audit-log.js';
import type { ClientService } from '../services/client.service.js';
import type { ServiceContext } from '../services/service-context.js';
import type { CreateUserData, ListUsersQuery, Page, UpdateUserData, UserService } from '../services/user.service.js';
import { toAuditRecord, toClientRecord, toUserRecord, type AuditRecord, type ClientRecord, type UserPageRecord, type UserRecord } from './records.js';

/**
 * The operator's operations: what ./scripts/user and ./scripts/client can do, each one service
 * call made as the system actor. The CLI runs them in its own process, or, when the server holds
 * the embedded database, the server runs them for it (server/operator/control-server.ts): the
 * same code either way.
 */
export interface OperatorServices {
  users: UserService;
  clients: ClientService;
  audit: AuditLog;
}

export const OPERATIONS = {
  'users.create': (s: OperatorServices, ctx: ServiceContext, p: { input: CreateUserData }): Promise<UserRecord> => s.users.create(ctx, p.input).then(toUserRecord),
  'users.update': (s: OperatorServices, ctx: ServiceContext, p: { id: number; input: UpdateUserData }): Promise<UserRecord> =>
    s.users.update(ctx, p.id, p.input).then(toUserRecord),
  'users.delete': (s: OperatorServices, ctx: ServiceContext, p: { id: number }): Promise<number> => s.users.remove(ctx, p.id),
  'users.unlock': (s: OperatorServices, ctx: ServiceContext, p: { id: number }): Promise<UserRecord> => s.users.unlock(ctx, p.id).then(toUserRecord),
  'users.get': (s: OperatorServices, ctx: ServiceContext, p: { id: number }): Promise<UserRecord> => s.users.get(ctx, p.id).then(toUserRecord),
  'users.list': async (s: OperatorServices, ctx: ServiceContext, p: { query: ListUsersQuery }): Promise<UserPageRecord> => {
    const page = await s.users.list(ctx, p.query);
    return { ...page, items: page.items.map(toUserRecord) };
  },
  'clients.create': (s: OperatorServices, ctx: ServiceContext, p: { name: string }): Promise<ClientRecord> => s.clients.create(ctx, { name: p.name }).then(toClientRecord),
  'clients.update': (s: OperatorServices, ctx: ServiceContext, p: { id: number; name: string }): Promise<ClientRecord> =>
    s.clients.update(ctx, p.id, { name: p.name }).then(toClientRecord),
  'clients.delete': (s: OperatorServices, ctx: ServiceContext, p: { id: number }): Promise<number> => s.clients.remove(ctx, p.id),
  'clients.get': (s: OperatorServices, ctx: ServiceContext, p: { id: number }): Promise<ClientRecord> => s.clients.get(ctx, p.id).then(toClientRecord),
  'audit.list': async (s: OperatorServices, ctx: ServiceContext, p: { query: AuditQuery }): Promise<Page<AuditRecord>> => {
    const page = await s.audit.list(ctx, { ...p.query, from: p.query.from ? new Date(p.query.from) : null, to: p.query.to ? new Date(p.query.to) : null });
    return { ...page, items: page.items.map(toAuditRecord) };
  },
  'clients.list': async (s: OperatorServices, ctx: ServiceContext): Promise<ClientRecord[]> => (await s.clients.list(ctx)).map(toClientRecord),
} as const;

export type OperationName = keyof typeof OPERATIONS;
export type OperationPayload<K extends OperationName> = Parameters<(typeof OPERATIONS)[K]>[2];
export type OperationResult<K extends OperationName> = Awaited<ReturnType<(typeof OPERATIONS)[K]>>;

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATIONS, name);
}

/** Runs one operation as the system (never as a made-up user). */
export function runOperation<K extends OperationName>(services: OperatorServices, ctx: ServiceContext, name: K, payload: OperationPayload<K>): Promise<OperationResult<K>> {
  const operation = OPERATIONS[name] as (s: OperatorServices, c: ServiceContext, p: OperationPayload<K>) => Promise<OperationResult<K>>;
  return operation(services, ctx, payload);
}
