import type { Page } from '../server/domain/page.js';
import type { Role } from '../server/domain/roles.js';
import type { UserStatus } from '../server/domain/user-status.js';
import type { Wire } from '../server/operator/operations.js';
import type { ApiTokenSummary } from '../server/services/api-token.service.js';
import type { SessionSummary } from '../server/services/session.service.js';
import type { ClientSummary, UserSummary } from '../server/services/user-read-model.js';

/**
 * What the operator CLI prints with --json (README: Operator CLI): ids as numbers, roles in lower
 * case, times as ISO strings. `clients` (with names) is for the readable output only and is not
 * printed in JSON.
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
  status: UserStatus;
  clients: { id: number; name: string }[];
  /** Shown by `get`; not part of the --json shape. */
  twoFactorEnabled: boolean;
}

export type ClientRecord = Wire<ClientSummary>;

export type UserPageRecord = Page<UserRecord>;

export function toUserRecord(user: Wire<UserSummary>): UserRecord {
  const clients = user.clients.map((c) => ({ id: c.id, name: c.name })).sort((a, b) => a.id - b.id);
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: [...user.roles],
    clientIds: clients.map((c) => c.id),
    notificationPreferences: { email: user.notifyByEmail, ui: user.notifyInUi },
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    status: user.status,
    clients,
    twoFactorEnabled: user.twoFactorEnabled,
  };
}

export function toUserPageRecord(page: Wire<Page<UserSummary>>): UserPageRecord {
  return { ...page, items: page.items.map(toUserRecord) };
}

/** The --json of a user: the record without what only the readable output shows (client names, two-factor). */
export function userJson(user: UserRecord): Omit<UserRecord, 'clients' | 'twoFactorEnabled'> {
  const { clients: _names, twoFactorEnabled: _twoFactor, ...json } = user;
  return json;
}

export const userPageJson = (page: UserPageRecord) => ({ items: page.items.map(userJson), total: page.total, skip: page.skip, limit: page.limit });

/** A session as `./scripts/user sessions --json` prints it. */
export interface SessionRecord {
  id: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  address: string | null;
}

export function toSessionRecord(session: Wire<SessionSummary>): SessionRecord {
  return { id: session.id, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt, userAgent: session.userAgent, address: session.address };
}

/** An API token as `./scripts/token list --json` prints it (never its secret). */
export type ApiTokenRecord = Wire<ApiTokenSummary>;
