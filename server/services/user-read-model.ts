import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../domain/roles.js';
import type { SortDirection, UserOrderField } from '../domain/user-order.js';
import type { UserStatus } from '../domain/user-status.js';
import { Coalescer } from './coalesce.js';
import { escapeLike } from './persistence.js';

/**
 * Users as the API reads them: plain data, each with their client access list, built by
 * PostgreSQL in one statement (the page, its access lists and the total together; or every user
 * that concurrent requests asked for by id). Reading a page
 * through the ORM cost two statements and the hydration of a few hundred managed entities that
 * nothing changes; this costs one statement and a JSON.parse. Writes still go through the ORM.
 */
export interface ClientSummary {
  id: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserSummary {
  id: number;
  name: string;
  email: string;
  roles: Role[];
  /** Ordered by id. */
  clients: ClientSummary[];
  notifyByEmail: boolean;
  notifyInUi: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  status: UserStatus;
  twoFactorEnabled: boolean;
}

/** A validated user listing: filters, order and page. */
export interface UserListing {
  search: string;
  clientId: number | null;
  status: UserStatus | null;
  /** Keyset paging: only users with an id greater than this (the order is then by id, ascending). */
  after: number | null;
  orderBy: UserOrderField;
  direction: SortDirection;
  skip: number;
  limit: number;
}

const CLIENTS_JSON = `coalesce((select json_agg(json_build_object('id', c."id", 'name', c."name", 'createdAt', c."created_at", 'updatedAt', c."updated_at") order by c."id")
    from "user_clients" uc join "clients" c on c."id" = uc."client_id" where uc."user_id" = u."id"), '[]'::json)`;

const USER_JSON = `json_build_object('id', u."id", 'name', u."name", 'email', u."email", 'roles', u."roles",
    'notifyByEmail', u."notify_by_email", 'notifyInUi', u."notify_in_ui",
    'createdAt', u."created_at", 'updatedAt', u."updated_at", 'lastLoginAt', u."last_login_at", 'status', u."status",
    'twoFactorEnabled', u."totp_enabled_at" is not null, 'clients', ${CLIENTS_JSON})`;

/** ORDER BY of a listing on alias u; every order ends with the id, so pages never overlap. */
function orderSql(field: UserOrderField, direction: SortDirection): string {
  const d = direction === 'desc' ? 'desc' : 'asc';
  switch (field) {
    case 'id':
      return `u."id" ${d}`;
    case 'name':
      // Case-insensitive whatever the database's collation (PGlite's C locale sorts "Zoe" before "adam").
      return `lower(u."name") ${d}, u."id" ${d}`;
    case 'email':
      return `u."email" ${d}, u."id" ${d}`;
    case 'createdAt':
      return `u."created_at" ${d}, u."id" ${d}`;
    case 'lastLoginAt':
      return `u."last_login_at" ${d} nulls last, u."id" ${d}`;
    default: {
      const unknown: never = field;
      throw new Error(`Unknown user order ${String(unknown)}`);
    }
  }
}

/**
 * One page of users and the number of users that match over all pages, in one statement. The
 * page's ids are found first on their own (for the default order, on the primary key alone: an
 * index-only scan, so a deep `skip` steps over index entries, not table rows), then joined to
 * build the rows. `total` ignores `after`: it counts every user the filters match (with no
 * filter, it is the count that the database keeps up to date).
 */
export async function findUserPage(em: EntityManager, listing: UserListing): Promise<{ items: UserSummary[]; total: number }> {
  const filters: string[] = [];
  const params: unknown[] = [];
  if (listing.search) {
    // Served by the pg_trgm GIN indexes on name and email (migration Migration20261126100000).
    const pattern = `%${escapeLike(listing.search)}%`;
    filters.push(`(u."name" ilike ? or u."email" ilike ?)`);
    params.push(pattern, pattern);
  }
  if (listing.clientId !== null) {
    filters.push(`exists (select 1 from "user_clients" f where f."user_id" = u."id" and f."client_id" = ?)`);
    params.push(listing.clientId);
  }
  if (listing.status !== null) {
    filters.push(`u."status" = ?`);
    params.push(listing.status);
  }
  const where = filters.length ? `where ${filters.join(' and ')}` : '';
  const pageWhere = listing.after === null ? where : `${where ? `${where} and` : 'where'} u."id" > ?`;
  const pageParams = listing.after === null ? params : [...params, listing.after];
  const order = orderSql(listing.orderBy, listing.direction);
  // With no filter, the count the database keeps (Migration20261126130000) instead of counting.
  const total = where ? `(select count(*) from "users" u ${where})::int` : `(select "total" from "user_totals")`;
  const sql = `select
    ${total} as "total",
    coalesce((select json_agg(${USER_JSON} order by ${order})
       from (select u."id" from "users" u ${pageWhere} order by ${order} offset ? limit ?) p join "users" u on u."id" = p."id"), '[]'::json) as "items"`;
  const rows = await em.execute<{ total: number; items: UserJson[] }[]>(sql, [...params, ...pageParams, listing.skip, listing.limit]);
  const row = rows[0]!;
  return { total: Number(row.total), items: row.items.map(toUserSummary) };
}

/** Users with their access lists, by id, in one statement; a missing id is simply absent. */
export async function findUserSummaries(em: EntityManager, ids: readonly number[]): Promise<Map<number, UserSummary>> {
  const rows = await em.execute<{ user: UserJson }[]>(`select ${USER_JSON} as "user" from "users" u where u."id" in (${ids.map(() => '?').join(', ')})`, [...ids]);
  return new Map(rows.map((row) => [row.user.id, toUserSummary(row.user)]));
}

/** Users with their access lists, by email (stored lower-cased: pass them so), in one statement; keyed by email. */
export async function findUserSummariesByEmail(em: EntityManager, emails: readonly string[]): Promise<Map<string, UserSummary>> {
  if (emails.length === 0) return new Map();
  // One parameter whatever the number of emails (a statement carries at most 65,535).
  const rows = await em.execute<{ user: UserJson }[]>(`select ${USER_JSON} as "user" from "users" u where u."email" in (select json_array_elements_text(?::json))`, [JSON.stringify(emails)]);
  return new Map(rows.map((row) => [row.user.email, toUserSummary(row.user)]));
}

/**
 * Reads of single users (`user(id)`, `me`, a ticket's creator) that arrive together share one
 * statement (coalesce.ts).
 */
export class UserSummaryReader extends Coalescer<number, UserSummary> {
  constructor() {
    super(findUserSummaries);
  }
}

interface ClientJson {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}
type UserJson = Omit<UserSummary, 'clients' | 'createdAt' | 'updatedAt' | 'lastLoginAt'> & {
  clients: ClientJson[];
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
};

function toUserSummary(json: UserJson): UserSummary {
  return {
    id: json.id,
    name: json.name,
    email: json.email,
    roles: json.roles,
    clients: json.clients.map((c) => ({ id: c.id, name: c.name, createdAt: new Date(c.createdAt), updatedAt: new Date(c.updatedAt) })),
    notifyByEmail: json.notifyByEmail,
    notifyInUi: json.notifyInUi,
    createdAt: new Date(json.createdAt),
    updatedAt: new Date(json.updatedAt),
    lastLoginAt: json.lastLoginAt === null ? null : new Date(json.lastLoginAt),
    status: json.status,
    twoFactorEnabled: json.twoFactorEnabled,
  };
}
