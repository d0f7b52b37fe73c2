import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { looksLikeApiToken } from '../auth/api-tokens.js';
import { hashLinkToken } from '../auth/link-tokens.js';
import { userActor, type UserActor } from '../domain/actor.js';
import { LockMode } from '@mikro-orm/core';
import { DomainError, MESSAGES, ValidationError } from '../domain/errors.js';
import { PASSWORD_RESETS_PER_HOUR, SESSION_LAST_SEEN_INTERVAL_MS, TWO_FACTOR_CHALLENGE_TTL_MS } from '../domain/limits.js';
import { isRole } from '../domain/roles.js';
import { checkEmail, checkPassword, isPasswordLength } from '../domain/validation.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import { RecoveryCode } from '../entities/recovery-code.entity.js';
import { TwoFactorChallenge } from '../entities/two-factor-challenge.entity.js';
import { User } from '../entities/user.entity.js';
import { passwordResetEmail } from './account-emails.js';
import type { AccountLinks } from './account-links.js';
import type { ApiTokenService } from './api-token.service.js';
import { credentialKey, type ActorDirectory, type SignedIn } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import type { LoginThrottle } from './login-throttle.js';
import { queueEmails, type Mailing } from './outbox.js';
import { inTransaction } from './persistence.js';
import type { SessionService } from './session.service.js';
import type { UserSummary, UserSummaryReader } from './user-read-model.js';

export interface LoginAttempt {
  email: string;
  password: string;
}

/** Told after a failed sign-in, and a lockout, is recorded. */
export interface SignInEvents {
  failed(): void;
  lockedOut(): void;
}

const NO_EVENTS: SignInEvents = { failed() {}, lockedOut() {} };

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserSummary;
}

/** Signing in, signing out, and turning a token back into the acting user on every request. */
export class AuthService {
  constructor(
    /** The database's root EntityManager: authenticating a request forks its own unit of work. */
    private readonly root: EntityManager,
    private readonly passwords: PasswordHasher,
    /** Undefined in a process that signs no tokens (the operator's CLI). */
    private readonly tokens: TokenService | undefined,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    /** Who credentials speak for, kept current by the database's notifications. */
    private readonly actors: ActorDirectory,
    private readonly sessions: SessionService,
    private readonly users: UserSummaryReader,
    private readonly links: AccountLinks,
    private readonly emails: Mailing & { background(ctx: ServiceContext, work: () => Promise<void>): void },
    private readonly apiTokens: ApiTokenService,
    private readonly events: SignInEvents = NO_EVENTS,
  ) {}

  /** Readies what the first failed login needs, so that it costs no more than later ones. */
  warmUp(): void {
    this.passwords.warmUp();
  }

  /**
   * Email and password → a session and its token. Every failure says the same thing, whether the
   * email is unknown or the password wrong, and costs the same time. Each guess is counted before
   * the password is checked (LoginThrottle): once the email or the address is over its limit,
   * TOO_MANY_REQUESTS says when to retry, even for the right password.
   */
  async login(ctx: ServiceContext, attempt: LoginAttempt): Promise<LoginResult> {
    const tokens = this.signer();
    const { em } = ctx;
    const typed = String(attempt.email).trim().toLowerCase();
    // Text that is no email address (a password typed in the wrong field) is never stored.
    const email = checkEmail(typed).ok ? typed : '';
    const password = String(attempt.password);
    const guess = await this.throttle.begin(em, email, ctx.sourceAddress ?? null);

    const user = email ? await em.findOne(User, { email }, { populate: ['passwordHash'] }) : null;
    // bcrypt would compare only the first 72 bytes: a longer password must fail, not match a prefix.
    // An invited user has no password yet: like an unknown email, the same work and the same answer.
    const valid = user?.passwordHash && isPasswordLength(password) ? await this.passwords.verify(password, user.passwordHash) : await this.passwords.verifyNobody(password);
    if (!user || !valid) {
      await this.recordFailure(ctx, guess, user?.id ?? null);
      throw new DomainError('UNAUTHENTICATED', MESSAGES.badCredentials);
    }
    if (user.totpEnabledAt) {
      // Half of the proof: the failures stay counted, so that codes guessed next count on from them.
      await this.throttle.settled(em, guess);
      const challenge = await inTransaction(em, (tx) => this.challenge(tx, user.id));
      throw new DomainError('TWO_FACTOR_REQUIRED', MESSAGES.twoFactorRequired, { challenge });
    }
    await this.throttle.succeeded(em, guess);
    // Only the right password learns that the account is suspended: a wrong one got the usual answer.
    if (user.status === 'suspended') throw new DomainError('UNAUTHENTICATED', MESSAGES.accountSuspended);
    return this.signIn(ctx, user);
  }

  /**
   * A sign-in's second step: the challenge `login` answered with, and a code of the user's
   * authenticator app or an unused recovery code. A wrong code is a failed sign-in of that email
   * (counted, throttled, audited): UNAUTHENTICATED. The challenge works for this sign-in only.
   */
  async verifyTwoFactor(ctx: ServiceContext, token: string, code: string, secondFactor: { proves(em: EntityManager, userId: number, code: string, challengeId: string): Promise<'totp' | 'recovery-code' | null> }): Promise<LoginResult> {
    const opened = await this.openChallenge(ctx.em, token);
    if (!opened) throw new DomainError('UNAUTHENTICATED', MESSAGES.twoFactorChallengeInvalid);
    const { user } = opened;
    const guess = await this.throttle.begin(ctx.em, user.email, ctx.sourceAddress ?? null);
    const proved = await inTransaction(ctx.em, (tx) => secondFactor.proves(tx, user.id, code, opened.id));
    if (!proved) {
      await this.recordFailure(ctx, guess, user.id, 'second factor', 'two-factor.failure');
      throw new DomainError('UNAUTHENTICATED', MESSAGES.twoFactorCodeWrong);
    }
    await this.throttle.succeeded(ctx.em, guess);
    if (user.status === 'suspended') throw new DomainError('UNAUTHENTICATED', MESSAGES.accountSuspended);
    return inTransaction(ctx.em, async (tx) => {
      if (proved === 'recovery-code') {
        const left = await tx.count(RecoveryCode, { user: user.id, usedAt: null });
        await this.audit.record(tx, { ...ctx, actor: userActor(user.id, user.email, user.roles, []) }, { action: 'two-factor.recovery-code', targetType: 'user', targetId: user.id, targetLabel: user.email, changes: { recoveryCodes: `${left} left` } });
      }
      return this.signIn(ctx, user, tx);
    });
  }

  /** Inside the caller's transaction: a challenge for a sign-in whose password was right; its token, given once. */
  private async challenge(em: EntityManager, userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    em.create(TwoFactorChallenge, { user: em.getReference(User, userId), tokenHash: hashLinkToken(token), createdAt: now, expiresAt: new Date(now.getTime() + TWO_FACTOR_CHALLENGE_TTL_MS) } as TwoFactorChallenge);
    await em.flush();
    return token;
  }

  /** The user a challenge is for, while it is open (not used, not expired); else null. */
  private async openChallenge(em: EntityManager, token: string): Promise<{ id: string; user: User } | null> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    const found = await em.findOne(TwoFactorChallenge, { tokenHash: hashLinkToken(token), usedAt: null, expiresAt: { $gt: new Date() } }, { populate: ['user'] });
    return found ? { id: found.id, user: found.user } : null;
  }

  /**
   * Opens a session for a user who has just proved who they are (the right password, an
   * accepted invitation): lastLoginAt, the audit entry and the session in one transaction, then
   * its token. Inside the caller's transaction when `tx` is given.
   */
  async signIn(ctx: ServiceContext, user: { id: number; email: string }, tx?: EntityManager): Promise<LoginResult> {
    const tokens = this.signer();
    const expiresAt = tokens.expiryFromNow();
    const open = async (em: EntityManager) => {
      await em.nativeUpdate(User, user.id, { lastLoginAt: new Date() });
      const id = await this.sessions.open(em, user.id, { expiresAt, userAgent: ctx.userAgent, address: ctx.sourceAddress });
      await this.audit.recordSignIn(em, { action: 'login.success', email: user.email, userId: user.id, channel: ctx.channel, sourceAddress: ctx.sourceAddress ?? null });
      return id;
    };
    const sessionId = tx ? await open(tx) : await inTransaction(ctx.em, open);
    const issued = tokens.issue({ userId: user.id, sessionId }, expiresAt);
    const signedIn = await this.users.read(tx ?? ctx.em, user.id);
    if (!signedIn) throw new DomainError('UNAUTHENTICATED', MESSAGES.badCredentials); // deleted meanwhile
    return { ...issued, user: signedIn };
  }

  /**
   * A guess of a signed-in user's own password (their current password, to change it): counted,
   * throttled and audited exactly like a sign-in with it. TOO_MANY_REQUESTS while locked out;
   * false for a wrong one.
   */
  async checkOwnPassword(ctx: ServiceContext, user: { id: number; email: string; passwordHash: string | null }, password: string): Promise<boolean> {
    const guess = await this.throttle.begin(ctx.em, user.email, ctx.sourceAddress ?? null);
    const valid = user.passwordHash !== null && isPasswordLength(password) && (await this.passwords.verify(password, user.passwordHash));
    if (!valid) {
      await this.recordFailure(ctx, guess, user.id, 'current password');
      return false;
    }
    await this.throttle.succeeded(ctx.em, guess);
    return true;
  }

  /**
   * The invitation's link, followed: the person chooses a password (the usual rules), becomes
   * ACTIVE and is signed in. A link that is unknown, used, superseded or expired: BAD_USER_INPUT
   * naming `token`, "This link is invalid or has expired".
   */
  async acceptInvitation(ctx: ServiceContext, token: string, rawPassword: string): Promise<LoginResult> {
    const password = checkPassword(String(rawPassword));
    if (!password.ok) throw new ValidationError({ password: password.problem });
    const passwordHash = await this.passwords.hash(password.value);
    return inTransaction(ctx.em, async (em) => {
      const opened = await this.links.open(em, String(token), 'invite');
      if (!opened || opened.user.status !== 'invited') throw new ValidationError({ token: MESSAGES.linkInvalid });
      const { user } = opened;
      await this.links.use(em, opened);
      user.passwordHash = passwordHash;
      user.status = 'active';
      user.updatedAt = new Date();
      await em.flush();
      await this.audit.record(em, { ...ctx, actor: userActor(user.id, user.email, user.roles, []) }, { action: 'user.invitation.accept', targetType: 'user', targetId: user.id, targetLabel: user.email, changes: { status: { from: 'invited', to: 'active' }, password: 'chosen' } });
      return this.signIn(ctx, user, em);
    });
  }

  /**
   * "Forgot password?": always answers the same, at once, whether or not the email belongs to
   * anyone (the work is done after the answer, so its time tells nothing either). An ACTIVE user
   * is emailed a reset link, at most PASSWORD_RESETS_PER_HOUR times an hour.
   */
  requestPasswordReset(ctx: ServiceContext, rawEmail: string): true {
    const email = checkEmail(String(rawEmail));
    if (email.ok) this.emails.background(ctx, () => this.sendPasswordReset(ctx, email.value));
    return true;
  }

  /**
   * The reset's link, followed: a new password (the usual rules), every session of the user ended,
   * and the email's failed sign-ins forgotten (the link proves who they are). BAD_USER_INPUT naming
   * `token` for a link that does not work.
   */
  async resetPassword(ctx: ServiceContext, token: string, rawPassword: string): Promise<boolean> {
    const password = checkPassword(String(rawPassword));
    if (!password.ok) throw new ValidationError({ password: password.problem });
    const passwordHash = await this.passwords.hash(password.value);
    const userId = await inTransaction(ctx.em, async (em) => {
      const opened = await this.links.open(em, String(token), 'reset');
      if (!opened || opened.user.status !== 'active') throw new ValidationError({ token: MESSAGES.linkInvalid });
      const { user } = opened;
      await this.links.use(em, opened);
      user.passwordHash = passwordHash;
      user.updatedAt = new Date();
      await em.flush();
      const ended = await this.sessions.endAll(em, user.id);
      await this.throttle.unlock(em, user.email);
      await this.audit.record(em, { ...ctx, actor: userActor(user.id, user.email, user.roles, []) }, { action: 'user.password.reset', targetType: 'user', targetId: user.id, targetLabel: user.email, changes: { password: 'changed', sessions: `${ended.length} ended` } });
      return user.id;
    });
    this.actors.changed([userId]);
    return true;
  }

  private async sendPasswordReset(ctx: ServiceContext, email: string): Promise<void> {
    const sent = await inTransaction(ctx.em, async (em) => {
      const user = await em.findOne(User, { email }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user || user.status !== 'active') return false;
      if ((await this.links.countSince(em, user.id, 'reset', new Date(Date.now() - 3600_000))) >= PASSWORD_RESETS_PER_HOUR) return false;
      const link = await this.links.issue(em, user.id, 'reset', null);
      await queueEmails(em, [passwordResetEmail({ to: user.email, name: user.name, link, ttlSeconds: this.links.ttl('reset') })]);
      await this.audit.record(em, ctx, { action: 'user.password.reset-request', targetType: 'user', targetId: user.id, targetLabel: user.email });
      return true;
    });
    if (sent) this.emails.afterCommit();
  }

  /** Logout: ends the session the request carries, if any. */
  async logout(ctx: ServiceContext): Promise<void> {
    await this.sessions.endCurrent(ctx);
  }

  /**
   * The user a bearer token speaks for, with roles and client access list as the database has them
   * now (never trusted from the token): read in one statement with the token's session, or from the
   * ActorDirectory, which the database keeps current. UNAUTHENTICATED when the token is invalid or
   * expired, or its session has ended (logout, revocation, a password change, the user deleted).
   * A `trk_` token is an API token (ApiTokenService.authenticate).
   */
  async authenticate(token: string): Promise<UserActor> {
    if (looksLikeApiToken(token)) return this.apiTokens.authenticate(token);
    const claims = this.signer().verify(token);
    const entry = await this.actors.lookup(credentialKey('session', claims.sessionId), () => loadSession(this.root.fork(), claims.sessionId));
    if (!entry || entry.actor.id !== claims.userId) throw new DomainError('UNAUTHENTICATED', MESSAGES.sessionRevoked);
    const now = Date.now();
    if (entry.expiresAt !== null && entry.expiresAt.getTime() <= now) throw new DomainError('UNAUTHENTICATED', MESSAGES.sessionExpired);
    if (!entry.lastSeenAt || now - entry.lastSeenAt.getTime() >= SESSION_LAST_SEEN_INTERVAL_MS) {
      // Recorded at most once a minute, off the request's path: a failure here costs nothing but the record.
      entry.lastSeenAt = new Date(now);
      this.sessions.touch(this.root.fork(), claims.sessionId).catch(() => undefined);
    }
    return entry.actor;
  }

  private async recordFailure(
    ctx: ServiceContext,
    guess: Awaited<ReturnType<LoginThrottle['begin']>>,
    userId: number | null,
    during?: string,
    action: 'login.failure' | 'two-factor.failure' = 'login.failure',
  ): Promise<void> {
    const lockouts = await inTransaction(ctx.em, async (tx) => {
      const lockouts = await this.throttle.failed(tx, guess);
      const record = { email: guess.email, userId, channel: ctx.channel, sourceAddress: ctx.sourceAddress ?? null };
      await this.audit.recordSignIn(tx, { ...record, action, detail: during ? { with: during } : undefined });
      for (const lockout of lockouts) {
        await this.audit.recordSignIn(tx, { ...record, action: 'login.lockout', detail: { lockedOut: lockout.of, until: lockout.until.toISOString(), level: String(lockout.level) } });
      }
      return lockouts;
    });
    this.events.failed();
    for (const _ of lockouts) this.events.lockedOut();
  }

  private signer(): TokenService {
    if (!this.tokens) throw new Error('This process signs no tokens: sign-in is for the server');
    return this.tokens;
  }
}

/** An open session and its user as the database has them now: one statement. */
async function loadSession(em: EntityManager, sessionId: number): Promise<SignedIn | undefined> {
  const rows = await em.execute<{ user_id: number; email: string; roles: string[]; client_ids: number[]; expires_at: string; last_seen_at: string; two_factor: boolean }[]>(
    `select s."user_id", s."expires_at", s."last_seen_at", u."email", u."roles", u."totp_enabled_at" is not null as "two_factor",
            coalesce(array(select uc."client_id" from "user_clients" uc where uc."user_id" = u."id"), '{}') as "client_ids"
       from "sessions" s join "users" u on u."id" = s."user_id"
      where s."id" = ? and s."ended_at" is null and s."expires_at" > now() and u."status" = 'active'`,
    [sessionId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const userId = Number(row.user_id);
  return {
    actor: userActor(userId, row.email, row.roles.filter(isRole), row.client_ids.map(Number), { kind: 'session', id: sessionId }, row.two_factor),
    expiresAt: new Date(row.expires_at),
    lastSeenAt: new Date(row.last_seen_at),
  };
}
