import type { AuditEvent } from '../entities/audit-event.entity.js';
import type { Client } from '../entities/client.entity.js';
import type { User } from '../entities/user.entity.js';
import type { Role } from '../domain/roles.js';
import type { Page } from '../services/user.service.js';

/**
 * What the operator CLI prints with --json (CONTRACT.md §2): ids as numbers, roles in lower case,
 * times as ISO strings. `clients` (with names) is for the readable output only and is not printed
 * in JSON.
 */
export interface UserRecord {
  id: number;
  name: string;
  email: string;
  roles: Role[];
  clientIds: number[];
  notificationPreferences: { email: boolean; ui: boolean };
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  clients: { id: number; name: string }[];
}

export interface ClientRecord {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export type UserPageRecord = Omit<Page<UserRecord>, never>;

export interface AuditRecord {
  id: number;
  at: string;
  actorId: number | null;
  actorLabel: string;
  channel: string;
  action: string;
  targetType: string | null;
  targetId: number | null;
  changes: Record<string, unknown> | null;
  sourceAddress: string | null;
}

export function toAuditRecord(event: AuditEvent): AuditRecord {
  return {
    id: Number(event.id),
    at: event.at.toISOString(),
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    channel: event.channel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId == null ? null : Number(event.targetId),
    changes: event.changes,
    sourceAddress: event.sourceAddress,
  };
}

export function toUserRecord(user: User): UserRecord {
  const clients = user.clients
    .getItems()
    .map((c) => ({ id: c.id, name: c.name }))
    .sort((a, b) => a.id - b.id);
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: [...user.roles],
    clientIds: clients.map((c) => c.id),
    notificationPreferences: { email: user.notifyByEmail, ui: user.notifyInUi },
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    clients,
  };
}

export function toClientRecord(client: Client): ClientRecord {
  return { id: client.id, name: client.name, createdAt: client.createdAt.toISOString(), updatedAt: client.updatedAt.toISOString() };
}
