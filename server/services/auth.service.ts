import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor, type UserActor } from '../domain/actor.js';
import { DomainError, MESSAGES } from '../domain/errors.js';
import { isRole } from '../domain/roles.js';
import { isPasswordLength } from '../domain/validation.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import { User } from '../entities/user.entity.js';
import type { ActorDirectory, ActorEntry } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import type { LoginThrottle } from './login-throttle.js';
import { inTransaction } from './persistence.js';
import type { UserSummary, UserSummaryReader } from './user-read-model.js';

export interface LoginAttempt {
  email: string;
  password: string;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserSummary;
}

/** Signing in, and turning a token back into the acting user on every request. */
export class AuthService {
  constructor(
    /** The database's root EntityManager: authenticating a request forks its own unit of work. */
    private readonly root: EntityManager,
    private readonly passwords: PasswordHasher,
    /** Undefined in a process that signs no tokens (the operator's CLI). */
    private readonly tokens: TokenService | undefined,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    /** Who tokens speak for, kept current by the database's notifications. */
    private readonly actors: ActorDirectory,
    private readonly users: UserSummaryReader,
  ) {}

  /** Readies what the first failed login needs, so that it costs no more than later ones. */
  warmUp(): void {
    this.passwords.warmUp();
  }

  /**
   * Email and password → a token. Every failure says the same thing, whether the email is unknown
   * or the password wrong, and costs the same time. Guessing is throttled per email and per
   * network address (LoginThrottle): once locked out, TOO_MANY_REQUESTS says when to retry.
   */
  async login(ctx: ServiceContext, attempt: LoginAttempt): Promise<LoginResult> {
    const tokens = this.signer();
    const { em } = ctx;
    const email = String(attempt.email).trim().toLowerCase();
    const password = String(attempt.password);
    const source = ctx.sourceAddress?.slice(0, 64) ?? null;
    await this.throttle.assertAllowed(em, email, source);

    const user = email ? await em.findOne(User, { email }, { populate: ['passwordHash'] }) : null;
    // bcrypt would compare only the first 72 bytes: a longer password must fail, not match a prefix.
    const valid = user && isPasswordLength(password) ? await this.passwords.verify(password, user.passwordHash) : await this.passwords.verifyNobody(password);
    if (!user || !valid) {
      await inTransaction(em, async (tx) => {
        const lockouts = await this.throttle.recordFailure(tx, email, source);
        const record = { email, userId: user?.id ?? null, channel: ctx.channel, sourceAddress: source };
        await this.audit.recordSignIn(tx, { ...record, action: 'login.failure' });
        for (const lockout of lockouts) {
          await this.audit.recordSignIn(tx, { ...record, action: 'login.lockout', detail: { lockedOut: lockout.of, until: lockout.until.toISOString(), level: String(lockout.level) } });
        }
      });
      throw new DomainError('UNAUTHENTICATED', MESSAGES.badCredentials);
    }

    const now = new Date();
    await inTransaction(em, async (tx) => {
      await tx.nativeUpdate(User, user.id, { lastLoginAt: now });
      await this.throttle.recordSuccess(tx, email);
      await this.audit.recordSignIn(tx, { action: 'login.success', email, userId: user.id, channel: ctx.channel, sourceAddress: source });
    });
    const issued = tokens.issue({ userId: user.id, tokenVersion: user.tokenVersion });
    const signedIn = await this.users.read(em, user.id);
    if (!signedIn) throw new DomainError('UNAUTHENTICATED', MESSAGES.badCredentials); // deleted meanwhile
    return { ...issued, user: signedIn };
  }

  /**
   * The user a bearer token speaks for, with roles and client access list as the database has them
   * now (never trusted from the token): read in one statement, or from the ActorDirectory, which
   * the database keeps current. UNAUTHENTICATED when the token is invalid or expired, the user is
   * gone, or the password changed since it was issued.
   */
  async authenticate(token: string): Promise<UserActor> {
    const claims = this.signer().verify(token);
    const entry = await this.actors.lookup(claims.userId, claims.tokenVersion, () => loadActor(this.root.fork(), claims.userId));
    if (!entry || entry.tokenVersion !== claims.tokenVersion) throw new DomainError('UNAUTHENTICATED', MESSAGES.sessionRevoked);
    return entry.actor;
  }

  private signer(): TokenService {
    if (!this.tokens) throw new Error('This process signs no tokens: sign-in is for the server');
    return this.tokens;
  }
}

/** The user a token speaks for, as the database has them now: one statement. */
async function loadActor(em: EntityManager, userId: number): Promise<ActorEntry | undefined> {
  const rows = await em.execute<{ email: string; roles: string[]; token_version: number; client_ids: number[] }[]>(
    `select u."email", u."roles", u."token_version",
            coalesce(array(select uc."client_id" from "user_clients" uc where uc."user_id" = u."id"), '{}') as "client_ids"
       from "users" u where u."id" = ?`,
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { actor: userActor(userId, row.email, row.roles.filter(isRole), row.client_ids.map(Number)), tokenVersion: row.token_version };
}
