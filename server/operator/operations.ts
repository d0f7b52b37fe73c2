import type { AuditEvent } from '../entities/audit-event.entity.js';
import type { Client } from '../entities/client.entity.js';
import type { Page } from '../domain/page.js';
import type { ApiTokenSummary, CreateApiTokenData, NewApiToken } from '../services/api-token.service.js';
import type { AuditQuery } from '../services/audit-log.js';
import type { SessionSummary } from '../services/session.service.js';
import type { ServiceContext } from '../services/context.js';
import type { Services } from '../services/index.js';
import type { ClientSummary, UserSummary } from '../services/user-read-model.js';
import type { ExportFilters, ImportReport } from '../services/user-csv.service.js';
import type { CreateUserData, InviteUserData, ListUsersQuery, UpdateUserData } from '../services/user.service.js';

/**
 * The operator's operations: what ./scripts/user, ./scripts/client, ./scripts/token and ./scripts/audit can do,
 * each one service call made as the system actor. The CLI runs them in its own process, or, when
 * the server holds the embedded database, the server runs them for it (control-server.ts): the
 * same code either way, and the same answer, since both give it in the form the control socket
 * speaks (`Wire`: JSON, so times are ISO strings).
 */
export type OperatorServices = Pick<Services, 'users' | 'userCsv' | 'clients' | 'audit' | 'sessions' | 'twoFactor' | 'apiTokens'>;

/** A value as JSON carries it: a Date becomes its ISO string. */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** An audit entry as the operator reads it. */
export type AuditEntryData = Pick<AuditEvent, 'at' | 'actorId' | 'actorLabel' | 'channel' | 'action' | 'targetType' | 'changes' | 'sourceAddress'> & {
  id: number;
  targetId: number | null;
};

export type AuditQueryData = Omit<AuditQuery, 'from' | 'to'> & { from?: string | null; to?: string | null };

const wire = <T>(value: T): Wire<T> => JSON.parse(JSON.stringify(value)) as Wire<T>;

const clientData = (client: Client): ClientSummary => ({ id: client.id, name: client.name, createdAt: client.createdAt, updatedAt: client.updatedAt });

const auditData = (event: AuditEvent): AuditEntryData => ({
  id: Number(event.id),
  at: event.at,
  actorId: event.actorId,
  actorLabel: event.actorLabel,
  channel: event.channel,
  action: event.action,
  targetType: event.targetType,
  targetId: event.targetId == null ? null : Number(event.targetId),
  changes: event.changes,
  sourceAddress: event.sourceAddress,
});

type S = OperatorServices;
type C = ServiceContext;

export const OPERATIONS = {
  'users.create': async (s: S, ctx: C, p: { input: CreateUserData }): Promise<Wire<UserSummary>> => wire(await s.users.create(ctx, p.input)),
  'users.invite': async (s: S, ctx: C, p: { input: InviteUserData }): Promise<Wire<UserSummary>> => wire(await s.users.invite(ctx, p.input)),
  'users.suspend': async (s: S, ctx: C, p: { id: number }): Promise<Wire<UserSummary>> => wire(await s.users.suspend(ctx, p.id)),
  'users.reactivate': async (s: S, ctx: C, p: { id: number }): Promise<Wire<UserSummary>> => wire(await s.users.reactivate(ctx, p.id)),
  'users.update': async (s: S, ctx: C, p: { id: number; input: UpdateUserData }): Promise<Wire<UserSummary>> => wire(await s.users.update(ctx, p.id, p.input)),
  'users.delete': (s: S, ctx: C, p: { id: number }): Promise<number> => s.users.remove(ctx, p.id),
  'users.unlock': async (s: S, ctx: C, p: { id: number }): Promise<Wire<UserSummary>> => wire(await s.users.unlock(ctx, p.id)),
  'users.unlockAddress': async (s: S, ctx: C, p: { address: string }): Promise<number> => s.users.unlockAddress(ctx, p.address),
  'users.resetTwoFactor': async (s: S, ctx: C, p: { id: number }): Promise<Wire<UserSummary>> => wire(await s.twoFactor.reset(ctx, p.id)),
  'users.get': async (s: S, ctx: C, p: { id: number }): Promise<Wire<UserSummary>> => wire(await s.users.get(ctx, p.id)),
  'users.list': async (s: S, ctx: C, p: { query: ListUsersQuery }): Promise<Wire<Page<UserSummary>>> => wire(await s.users.list(ctx, p.query)),
  'users.listAll': async (s: S, ctx: C, p: { filters: ExportFilters }): Promise<Wire<UserSummary>[]> => wire(await s.users.listAll(ctx, p.filters)),
  'users.export': (s: S, ctx: C, p: { filters: ExportFilters }): Promise<string> => s.userCsv.exportCsv(ctx, p.filters),
  'users.import': (s: S, ctx: C, p: { csv: string; dryRun: boolean }): Promise<ImportReport> => s.userCsv.importCsv(ctx, p.csv, { dryRun: p.dryRun }),
  'sessions.list': async (s: S, ctx: C, p: { userId: number }): Promise<Wire<SessionSummary>[]> => wire(await s.sessions.listOf(ctx, p.userId)),
  'sessions.revokeAll': (s: S, ctx: C, p: { userId: number }): Promise<number> => s.sessions.revokeAllOf(ctx, p.userId),
  'apiTokens.create': async (s: S, ctx: C, p: { userId: number; input: CreateApiTokenData }): Promise<Wire<NewApiToken>> => wire(await s.apiTokens.createFor(ctx, p.userId, p.input)),
  'apiTokens.list': async (s: S, ctx: C, p: { userId: number | null }): Promise<Wire<ApiTokenSummary>[]> =>
    wire(p.userId === null ? await s.apiTokens.listAll(ctx) : await s.apiTokens.listOf(ctx, p.userId)),
  'apiTokens.revoke': (s: S, ctx: C, p: { id: number }): Promise<boolean> => s.apiTokens.revoke(ctx, p.id),
  'clients.create': async (s: S, ctx: C, p: { name: string }): Promise<Wire<ClientSummary>> => wire(clientData(await s.clients.create(ctx, { name: p.name }))),
  'clients.update': async (s: S, ctx: C, p: { id: number; name: string }): Promise<Wire<ClientSummary>> =>
    wire(clientData(await s.clients.update(ctx, p.id, { name: p.name }))),
  'clients.delete': (s: S, ctx: C, p: { id: number }): Promise<number> => s.clients.remove(ctx, p.id),
  'clients.get': async (s: S, ctx: C, p: { id: number }): Promise<Wire<ClientSummary>> => wire(clientData(await s.clients.get(ctx, p.id))),
  'clients.list': async (s: S, ctx: C): Promise<Wire<ClientSummary>[]> => wire((await s.clients.list(ctx)).map(clientData)),
  'audit.list': async (s: S, ctx: C, p: { query: AuditQueryData }): Promise<Wire<Page<AuditEntryData>>> => {
    const page = await s.audit.list(ctx, { ...p.query, from: p.query.from ? new Date(p.query.from) : null, to: p.query.to ? new Date(p.query.to) : null });
    return wire({ ...page, items: page.items.map(auditData) });
  },
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
