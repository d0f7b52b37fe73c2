import { isIP } from 'node:net';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadUser } from '../domain/access.js';
import { diffFields, userAuditSnapshot } from '../domain/audit.js';
import { DomainError, MESSAGES, ValidationError, notFound } from '../domain/errors.js';
import { PAGE_LIMIT_MAX, checkPage, pageOf, type Page, type PageQuery } from '../domain/page.js';
import { DEFAULT_ROLES, type Role } from '../domain/roles.js';
import { USER_STATUSES, isUserStatus, type UserStatus } from '../domain/user-status.js';
import { DEFAULT_USER_ORDER, SORT_DIRECTIONS, USER_ORDER_FIELDS, isSortDirection, isUserOrderField, type SortDirection, type UserOrderField } from '../domain/user-order.js';
import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  FieldProblems,
  checkEmail,
  checkId,
  checkIds,
  checkName,
  checkNotificationPreferences,
  checkPassword,
  checkRoles,
  checkSearch,
  requireId,
  type NotificationPreferences,
} from '../domain/validation.js';
import type { PasswordHasher } from '../auth/passwords.js';
import { Client } from '../entities/client.entity.js';
import { User } from '../entities/user.entity.js';
import type { ActorChanges, CredentialChanges } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { AuthService } from './auth.service.js';
import type { ServiceContext } from './context.js';
import { requireAdmin, requireUser, requireUserAccess } from './guards.js';
import type { LoginThrottle } from './login-throttle.js';
import type { AccountLinks } from './account-links.js';
import { sendInvitations } from './invitations.js';
import type { Mailing } from './outbox.js';
import { inTransaction, type ConstraintVerdicts } from './persistence.js';
import type { SessionService } from './session.service.js';
import { refuseApiToken, type ApiTokenService } from './api-token.service.js';
import { findUserPage, type UserListing, type UserSummary, type UserSummaryReader } from './user-read-model.js';

/** What the database's refusals mean when users are written. */
export const WRITE_VERDICTS: ConstraintVerdicts = {
  unique: () => new DomainError('ALREADY_EXISTS', MESSAGES.emailTaken),
  foreignKey: () => new ValidationError({ clientIds: 'a client on the list was deleted meanwhile' }),
};

/** Raw input as it arrives from GraphQL or the CLI; the service validates every field. */
export interface CreateUserData {
  name: string;
  email: string;
  password: string;
  roles?: readonly string[] | null;
  clientIds?: readonly (string | number)[] | null;
  notificationPreferences?: unknown;
}

/** An invitation: a user without a password, who chooses one through the emailed link. */
export type InviteUserData = Omit<CreateUserData, 'password'>;

interface NewUserFields {
  name: string;
  email: string;
  /** Checked, not yet hashed: only when a password was given. */
  password?: string;
  roles: Role[];
  clientIds: number[];
  preferences: NotificationPreferences;
}

/** Every field optional: an omitted (undefined or null) field is left unchanged. */
export interface UpdateUserData {
  name?: string | null;
  email?: string | null;
  password?: string | null;
  roles?: readonly string[] | null;
  /** Replaces the whole list; [] clears it. */
  clientIds?: readonly (string | number)[] | null;
  /** Merged into the stored preferences. */
  notificationPreferences?: unknown;
}

export interface UpdateMeData {
  name?: string | null;
  notificationPreferences?: unknown;
  password?: string | null;
  currentPassword?: string | null;
}

export interface ListUsersQuery extends PageQuery {
  search?: string | null;
  /** Default id. */
  orderBy?: string | null;
  /** Default asc. */
  direction?: string | null;
  /** Only users with this client on their access list. */
  clientId?: string | number | null;
  /** Keyset paging: only users with an id greater than this one, ordered by id. */
  after?: string | number | null;
  /** Only users with this status: active, invited, suspended. */
  status?: string | null;
}

/** Users and their client access lists: every rule about them lives here. */
export class UserService {
  constructor(
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    /** Told after a change to who a user is when signed in (roles, email, password, access list). */
    private readonly actors: ActorChanges & CredentialChanges,
    private readonly summaries: UserSummaryReader,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly apiTokens: ApiTokenService,
    private readonly links: AccountLinks,
    private readonly emails: Mailing,
  ) {}

  /** Lifts a user's sign-in lockout and forgets their failed attempts (ADMIN, or the operator). */
  async unlock(ctx: ServiceContext, rawId: string | number): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const user = await this.get(ctx, rawId);
    await inTransaction(ctx.em, async (em) => {
      const lifted = await this.throttle.unlock(em, user.email);
      await this.audit.record(em, ctx, { action: 'user.unlock', targetType: 'user', targetId: user.id, targetLabel: user.email, changes: { lockout: lifted ? 'lifted' : 'none was active' } });
    });
    return user;
  }

  /**
   * Lets a network address sign in again after too many failed attempts from it (ADMIN, or the
   * operator): its failures are forgotten. Returns how many there were in the window.
   */
  async unlockAddress(ctx: ServiceContext, rawAddress: string): Promise<number> {
    requireAdmin(ctx.actor);
    const address = String(rawAddress).trim().toLowerCase();
    if (isIP(address) === 0) throw new ValidationError({ address: 'must be an IPv4 or IPv6 address' });
    return inTransaction(ctx.em, async (em) => {
      const failures = await this.throttle.unlockAddress(em, address);
      await this.audit.record(em, ctx, { action: 'address.unlock', changes: { address, failures: `${failures} forgotten` } });
      return failures;
    });
  }

  /** Until when a user cannot sign in after too many failures; null when they can. Admins and the user themselves. */
  async lockedUntil(ctx: ServiceContext, user: { id: number; email: string }): Promise<Date | null> {
    if (!canReadUser(ctx.actor, user.id)) return null;
    return this.throttle.lockedUntil(ctx.em, user.email);
  }

  /**
   * A page of users with their access lists, in one statement (user-read-model.ts). `after` pages
   * by id (keyset), for walking every user: a page deep in the list costs what the first one does.
   */
  async list({ em, actor }: ServiceContext, query: ListUsersQuery = {}): Promise<Page<UserSummary>> {
    requireAdmin(actor);
    const listing = checkListing(query);
    const { items, total } = await findUserPage(em, listing);
    return pageOf(items, total, listing);
  }

  /**
   * Every user the filters of `list` match (search, status, clientId), in the order of `list`'s
   * default, read a page at a time by id (the export of users).
   */
  async listAll({ em, actor }: ServiceContext, filters: Pick<ListUsersQuery, 'search' | 'status' | 'clientId'> = {}): Promise<UserSummary[]> {
    requireAdmin(actor);
    const listing = checkListing({ search: filters.search, status: filters.status, clientId: filters.clientId, limit: PAGE_LIMIT_MAX });
    const users: UserSummary[] = [];
    for (let after: number | null = null; ; ) {
      const { items } = await findUserPage(em, { ...listing, after });
      users.push(...items);
      if (items.length < listing.limit) return users;
      after = items.at(-1)!.id;
    }
  }

  /** One user with their access list (ADMIN, or the user themselves). */
  async get({ em, actor }: ServiceContext, rawId: string | number): Promise<UserSummary> {
    const id = requireId(rawId);
    requireUserAccess(actor, id);
    return this.read(em, id);
  }

  /** An ACTIVE user with the password given (ADMIN, or the operator). */
  async create(ctx: ServiceContext, data: CreateUserData): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const fields = await this.checkNewUser(ctx, data, data.password);
    // Hashed before the transaction: nothing is held while bcrypt runs.
    const passwordHash = await this.passwords.hash(fields.password!);
    const id = await inTransaction(ctx.em, (em) => this.insert(em, ctx, fields, { passwordHash, status: 'active' }), WRITE_VERDICTS);
    return this.read(ctx.em, id);
  }

  /**
   * An INVITED user, with no password: an email asks them to choose one (an invitation link,
   * written in the same transaction). Until then they cannot sign in. ADMIN, or the operator.
   */
  async invite(ctx: ServiceContext, data: InviteUserData): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const fields = await this.checkNewUser(ctx, data);
    const id = await inTransaction(
      ctx.em,
      async (em) => {
        const userId = await this.insert(em, ctx, fields, { passwordHash: null, status: 'invited' });
        await this.sendInvitation(em, ctx, userId);
        return userId;
      },
      WRITE_VERDICTS,
    );
    this.emails.afterCommit();
    return this.read(ctx.em, id);
  }

  /** A new invitation link for an INVITED user; the older ones stop working. CONFLICT for anyone else. */
  async resendInvitation(ctx: ServiceContext, rawId: string | number): Promise<boolean> {
    requireAdmin(ctx.actor);
    const id = requireId(rawId, 'userId');
    await inTransaction(ctx.em, async (em) => {
      const user = await em.findOne(User, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('user');
      if (user.status !== 'invited') throw new DomainError('CONFLICT', MESSAGES.notInvited);
      await this.sendInvitation(em, ctx, id);
      await this.audit.record(em, ctx, { action: 'user.invitation.resend', targetType: 'user', targetId: id, targetLabel: user.email });
    });
    this.emails.afterCommit();
    return true;
  }

  /**
   * SUSPENDED: the user keeps their data, access list and history, but cannot sign in, is signed
   * out everywhere at once, loses every API token and emailed link, and hears of nothing. The last active admin
   * cannot be suspended.
   */
  async suspend(ctx: ServiceContext, rawId: string | number): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const id = requireId(rawId);
    const revoked = await inTransaction(ctx.em, async (em) => {
      await assertAnotherAdmin(em, id);
      const user = await em.findOne(User, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('user');
      if (user.status === 'suspended') return [];
      const from = user.status;
      user.status = 'suspended';
      user.updatedAt = new Date();
      await em.flush();
      const ended = await this.sessions.endAll(em, id);
      const tokens = await this.apiTokens.revokeAllOf(em, id);
      // An invitation or reset link sent before must not outlive the suspension (reactivating restores none).
      const links = await this.links.endAll(em, id);
      await this.audit.record(em, ctx, {
        action: 'user.suspend',
        targetType: 'user',
        targetId: id,
        targetLabel: user.email,
        changes: { status: { from, to: 'suspended' }, sessions: `${ended.length} ended`, apiTokens: `${tokens.length} revoked`, ...(links > 0 ? { links: `${links} ended` } : {}) },
      });
      return tokens;
    });
    this.actors.changed([id]);
    this.actors.ended(revoked);
    return this.read(ctx.em, id);
  }

  /** Back from SUSPENDED: ACTIVE, or INVITED if they never chose a password (resendInvitation sends them a link). Sessions, tokens and links ended by the suspension stay ended. */
  async reactivate(ctx: ServiceContext, rawId: string | number): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const id = requireId(rawId);
    await inTransaction(ctx.em, async (em) => {
      const user = await em.findOne(User, id, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['passwordHash'] });
      if (!user) throw notFound('user');
      if (user.status !== 'suspended') return;
      const to = user.passwordHash === null ? 'invited' : 'active';
      user.status = to;
      user.updatedAt = new Date();
      await em.flush();
      await this.audit.record(em, ctx, { action: 'user.reactivate', targetType: 'user', targetId: id, targetLabel: user.email, changes: { status: { from: 'suspended', to } } });
    });
    this.actors.changed([id]);
    return this.read(ctx.em, id);
  }

  /** Inside the caller's transaction: a new invitation link for the user, and its email in the outbox. */
  private async sendInvitation(em: EntityManager, ctx: ServiceContext, userId: number): Promise<void> {
    const user = await em.findOneOrFail(User, userId, { populate: ['clients'] });
    await sendInvitations(em, ctx, this.links, this.emails, [{ id: user.id, email: user.email, name: user.name, roles: user.roles, clientNames: user.clients.getItems().map((c) => c.name) }]);
  }

  /**
   * The fields of a new user (create, with a password; invite, without), every problem named at
   * once; a taken email answered before anything costly.
   */
  private async checkNewUser(ctx: ServiceContext, data: InviteUserData, rawPassword?: string): Promise<NewUserFields> {
    const problems = new FieldProblems();
    const name = problems.take('name', checkName(data.name));
    const email = problems.take('email', checkEmail(data.email));
    const password = rawPassword === undefined ? undefined : problems.take('password', checkPassword(rawPassword));
    const roles = problems.take('roles', checkRoles(data.roles ?? DEFAULT_ROLES));
    const clientIds = problems.take('clientIds', checkIds(data.clientIds ?? []));
    const prefs = data.notificationPreferences == null ? {} : problems.take('notificationPreferences', checkNotificationPreferences(data.notificationPreferences));
    if (clientIds) await this.checkClientsExist(ctx.em, clientIds, problems);
    problems.throwIfAny();
    // Answer a taken email before paying for a hash; the unique index still decides a race.
    if (await ctx.em.count(User, { email: email! })) throw new DomainError('ALREADY_EXISTS', MESSAGES.emailTaken);
    return { name: name!, email: email!, password, roles: roles!, clientIds: clientIds!, preferences: { ...DEFAULT_NOTIFICATION_PREFERENCES, ...prefs } };
  }

  /** Inside the caller's transaction: the new user's row, access list and audit entry. Returns the id. */
  private async insert(em: EntityManager, ctx: ServiceContext, fields: NewUserFields, state: { passwordHash: string | null; status: UserStatus }): Promise<number> {
    const user = em.create(User, {
      name: fields.name,
      email: fields.email,
      passwordHash: state.passwordHash,
      roles: fields.roles,
      notifyByEmail: fields.preferences.email,
      notifyInUi: fields.preferences.ui,
      status: state.status,
    } as User);
    user.clients.set(fields.clientIds.map((cid) => em.getReference(Client, cid)));
    await em.flush();
    const action = state.status === 'invited' ? 'user.invite' : 'user.create';
    await this.audit.record(em, ctx, { action, targetType: 'user', targetId: user.id, targetLabel: user.email, changes: diffFields({}, snapshot(user)) });
    return user.id;
  }

  async update(ctx: ServiceContext, rawId: string | number, data: UpdateUserData): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    const id = requireId(rawId);
    const problems = new FieldProblems();
    const profile = checkProfile(data, problems);
    const email = data.email == null ? undefined : problems.take('email', checkEmail(data.email));
    const roles = data.roles == null ? undefined : problems.take('roles', checkRoles(data.roles));
    const clientIds = data.clientIds == null ? undefined : problems.take('clientIds', checkIds(data.clientIds));
    if (clientIds) await this.checkClientsExist(ctx.em, clientIds, problems);
    problems.throwIfAny();
    if (data.password != null) refuseApiToken(ctx, 'change a password');

    const passwordHash = profile.password === undefined ? undefined : await this.passwords.hash(profile.password);
    await inTransaction(ctx.em, async (em) => {
      if (roles !== undefined && !roles.includes('admin')) await assertAnotherAdmin(em, id);
      // A taken email is refused by the unique index (WRITE_VERDICTS), in this same unit of work.
      await this.change(em, ctx, id, { ...profile, passwordHash, email, roles, clientIds });
    }, WRITE_VERDICTS);
    this.actors.changed([id]);
    return this.read(ctx.em, id);
  }

  async remove(ctx: ServiceContext, rawId: string | number): Promise<number> {
    requireAdmin(ctx.actor);
    const id = requireId(rawId);
    await inTransaction(ctx.em, async (em) => {
      await assertAnotherAdmin(em, id);
      const gone = await em.findOne(User, id, { populate: ['clients'] });
      const deleted = await em.nativeDelete(User, id);
      if (deleted === 0 || !gone) throw notFound('user');
      await this.audit.record(em, ctx, { action: 'user.delete', targetType: 'user', targetId: id, targetLabel: gone.email, changes: diffFields(snapshot(gone), {}) });
    }, WRITE_VERDICTS);
    this.actors.changed([id]);
    return id;
  }

  /** Self-service for any signed-in user: name, notification preferences, password. */
  async updateMe(ctx: ServiceContext, data: UpdateMeData): Promise<UserSummary> {
    const me = requireUser(ctx.actor);
    // Before the current password is looked at: a token's holder may not even guess it.
    if (data.password != null) refuseApiToken(ctx, 'change a password');
    const problems = new FieldProblems();
    const profile = checkProfile(data, problems);
    if (data.password != null) {
      if (!data.currentPassword) {
        problems.add('currentPassword', 'is required to change the password');
      } else {
        // A guess of the current password counts as a sign-in with it: throttled and audited, so
        // a stolen session cannot try passwords at bcrypt's pace.
        const stored = await ctx.em.findOne(User, me.id, { populate: ['passwordHash'] });
        if (!stored) throw notFound('user');
        if (!(await this.auth.checkOwnPassword(ctx, stored, data.currentPassword))) problems.add('currentPassword', 'is incorrect');
      }
    }
    problems.throwIfAny();

    const passwordHash = profile.password === undefined ? undefined : await this.passwords.hash(profile.password);
    await inTransaction(ctx.em, (em) => this.change(em, ctx, me.id, { ...profile, passwordHash }), WRITE_VERDICTS);
    this.actors.changed([me.id]);
    return this.read(ctx.em, me.id);
  }

  /**
   * The step `update` and `updateMe` share, inside their transaction: the user's row with its access
   * list, the changes applied, one flush, and the audit entry of what changed. A new password
   * ends every session of the user (their tokens stop working on the next request).
   */
  private async change(em: EntityManager, ctx: ServiceContext, id: number, change: UserChange): Promise<void> {
    const user = await em.findOne(User, id, { populate: ['clients'] });
    if (!user) throw notFound('user');
    const before = snapshot(user);
    if (change.name !== undefined) user.name = change.name;
    if (change.email !== undefined) user.email = change.email;
    if (change.roles !== undefined) user.roles = change.roles;
    if (change.preferences?.email !== undefined) user.notifyByEmail = change.preferences.email;
    if (change.preferences?.ui !== undefined) user.notifyInUi = change.preferences.ui;
    if (change.clientIds !== undefined) user.clients.set(change.clientIds.map((cid) => em.getReference(Client, cid)));
    if (change.passwordHash !== undefined) user.passwordHash = change.passwordHash;
    user.updatedAt = new Date();
    await em.flush();
    if (change.passwordHash !== undefined) await this.sessions.endAll(em, id);
    const changes = diffFields(before, snapshot(user));
    if (change.passwordHash !== undefined) changes.password = 'changed';
    await this.audit.record(em, ctx, { action: 'user.update', targetType: 'user', targetId: id, targetLabel: user.email, changes });
  }

  private async checkClientsExist(em: EntityManager, ids: readonly number[], problems: FieldProblems): Promise<void> {
    if (ids.length === 0) return;
    const found = await em.find(Client, { id: { $in: [...ids] } }, { fields: ['id'] });
    const known = new Set(found.map((c) => c.id));
    const missing = ids.filter((cid) => !known.has(cid));
    if (missing.length > 0) problems.add('clientIds', `no client with id ${missing.join(', ')}`);
  }

  /** The user as every read returns them (user-read-model.ts); NOT_FOUND when there is none. */
  private async read(em: EntityManager, id: number): Promise<UserSummary> {
    const user = await this.summaries.read(em, id);
    if (!user) throw notFound('user');
    return user;
  }
}

/** The fields a user and an admin may both change: name, notification preferences, password. */
interface ProfileChange {
  name?: string;
  preferences?: Partial<NotificationPreferences>;
  password?: string;
}

interface UserChange extends Omit<ProfileChange, 'password'> {
  passwordHash?: string;
  email?: string;
  roles?: Role[];
  clientIds?: number[];
}

/** The shared fields of an update, each problem added to `problems`; an omitted (null) field is left out. */
function checkProfile(data: { name?: string | null; notificationPreferences?: unknown; password?: string | null }, problems: FieldProblems): ProfileChange {
  return {
    name: data.name == null ? undefined : problems.take('name', checkName(data.name)),
    preferences: data.notificationPreferences == null ? undefined : problems.take('notificationPreferences', checkNotificationPreferences(data.notificationPreferences)),
    password: data.password == null ? undefined : problems.take('password', checkPassword(data.password)),
  };
}

/** The listing a query asks for, or BAD_USER_INPUT naming every bad argument. */
function checkListing(query: ListUsersQuery): UserListing {
  const problems = new FieldProblems();
  const page = checkPage(query, problems);
  const search = query.search == null ? '' : problems.take('search', checkSearch(query.search));
  const orderBy = query.orderBy ?? DEFAULT_USER_ORDER.field;
  if (!isUserOrderField(orderBy)) problems.add('orderBy', `must be one of ${USER_ORDER_FIELDS.join(', ')}`);
  const direction = query.direction ?? DEFAULT_USER_ORDER.direction;
  if (!isSortDirection(direction)) problems.add('direction', `must be one of ${SORT_DIRECTIONS.join(', ')}`);
  const clientId = query.clientId == null ? null : (problems.take('clientId', checkId(query.clientId)) ?? null);
  const after = query.after == null ? null : (problems.take('after', checkId(query.after)) ?? null);
  const status = query.status == null ? null : isUserStatus(query.status) ? query.status : null;
  if (query.status != null && status === null) problems.add('status', `must be one of ${USER_STATUSES.join(', ')}`);
  // A cursor is a position in the order by id: any other order would skip or repeat users.
  if (query.after != null && (orderBy !== 'id' || direction !== 'asc')) problems.add('after', 'pages by id, ascending: leave orderBy and direction out');
  problems.throwIfAny();
  return {
    search: search ?? '',
    clientId,
    status,
    after,
    orderBy: orderBy as UserOrderField,
    direction: direction as SortDirection,
    skip: page.skip,
    limit: page.limit,
  };
}

/**
 * The last-admin rule, inside the caller's transaction: locks every active admin's row (so
 * concurrent demotions, deletions and suspensions queue behind each other), then refuses when no
 * active admin other than `userId` would remain. Only active admins count: an invited or suspended
 * one cannot sign in. A user who is not an active admin is never the last one.
 */
export async function assertAnotherAdmin(em: EntityManager, userId: number): Promise<void> {
  const admins = await lockActiveAdmins(em);
  if (admins.includes(userId) && admins.length === 1) throw new DomainError('LAST_ADMIN', MESSAGES.lastAdmin);
}

/** Inside the caller's transaction: the ids of the active admins, their rows locked (the last-admin rule's look-up). */
export async function lockActiveAdmins(em: EntityManager): Promise<number[]> {
  const rows = await em.execute<{ id: number }[]>(`select "id" from "users" where 'admin' = any("roles") and "status" = 'active' order by "id" for update`);
  return rows.map((r) => Number(r.id));
}

/** A user's fields as the audit log records them (never the password or its hash). */
function snapshot(user: User): Record<string, unknown> {
  return userAuditSnapshot({
    name: user.name,
    email: user.email,
    roles: user.roles,
    clientIds: user.clients.isInitialized() ? user.clients.getIdentifiers<number>() : undefined,
    notificationPreferences: { email: user.notifyByEmail, ui: user.notifyInUi },
  });
}
