import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor, type UserActor } from '../domain/actor.js';
import { DomainError, MESSAGES } from '../domain/errors.js';
import { LOGIN_FAILURE_WINDOW_MS, LOGIN_MAX_FAILURES } from '../domain/limits.js';
import { isRole } from '../domain/roles.js';
import { isPasswordLength } from '../domain/validation.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import { LoginFailure } from '../entities/login-failure.entity.js';
import { User } from '../entities/user.entity.js';
import { inTransaction } from './persistence.js';

export interface LoginAttempt {
  email: string;
  password: string;
  /** The caller's network address, kept with a failure for the record. */
  source?: string | null;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: User;
}

/** Signing in, and turning a token back into the acting user on every request. */
export class AuthService {
  constructor(
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
  ) {}

  /** Readies what the first failed login needs, so that it costs no more than later ones. */
  warmUp(): void {
    this.passwords.warmUp();
  }

  /**
   * Email and password → a token. Every failure says the same thing, whether the email is unknown
   * or the password wrong, and costs the same time. At most LOGIN_MAX_FAILURES failures per email
   * in the window; then TOO_MANY_REQUESTS until the oldest of them leaves the window.
   */
  async login(em: EntityManager, attempt: LoginAttempt): Promise<LoginResult> {
    const email = String(attempt.email).trim().toLowerCase();
    const password = String(attempt.password);
    await this.assertNotThrottled(em, email);

    const user = email ? await em.findOne(User, { email }, { populate: ['passwordHash'] }) : null;
    // bcrypt would compare only the first 72 bytes: a longer password must fail, not match a prefix.
    const valid = user && isPasswordLength(password) ? await this.passwords.verify(password, user.passwordHash) : await this.passwords.verifyNobody(password);
    if (!user || !valid) {
      await em.insert(LoginFailure, { email: email.slice(0, 254), source: attempt.source?.slice(0, 64) ?? null, createdAt: new Date() } as LoginFailure);
      throw new DomainError('UNAUTHENTICATED', MESSAGES.badCredentials);
    }

    const now = new Date();
    await inTransaction(em, async (tx) => {
      await tx.nativeUpdate(User, user.id, { lastLoginAt: now });
      await tx.nativeDelete(LoginFailure, { email });
    });
    const issued = this.tokens.issue({ userId: user.id, tokenVersion: user.tokenVersion });
    const signedIn = await em.fork().findOneOrFail(User, user.id, { populate: ['clients'] });
    return { ...issued, user: signedIn };
  }

  /**
   * The user a bearer token speaks for, with roles and client access list read from the database
   * now (never trusted from the token), in one statement. UNAUTHENTICATED when the token is
   * invalid or expired, the user is gone, or the password changed since it was issued.
   */
  async authenticate(em: EntityManager, token: string): Promise<UserActor> {
    const claims = this.tokens.verify(token);
    const rows = await em.execute<{ roles: string[]; token_version: number; client_ids: number[] }[]>(
      `select u."roles", u."token_version",
              coalesce(array(select uc."client_id" from "user_clients" uc where uc."user_id" = u."id"), '{}') as "client_ids"
         from "users" u where u."id" = ?`,
      [claims.userId],
    );
    const row = rows[0];
    if (!row || row.token_version !== claims.tokenVersion) throw new DomainError('UNAUTHENTICATED', MESSAGES.sessionRevoked);
    return userActor(claims.userId, row.roles.filter(isRole), row.client_ids.map(Number));
  }

  private async assertNotThrottled(em: EntityManager, email: string): Promise<void> {
    const since = new Date(Date.now() - LOGIN_FAILURE_WINDOW_MS);
    const recent = await em.find(LoginFailure, { email, createdAt: { $gt: since } }, {
      fields: ['createdAt'],
      orderBy: { createdAt: 'desc' },
      limit: LOGIN_MAX_FAILURES,
    });
    if (recent.length < LOGIN_MAX_FAILURES) return;
    const oldest = recent[recent.length - 1]!.createdAt.getTime();
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + LOGIN_FAILURE_WINDOW_MS - Date.now()) / 1000));
    throw new DomainError('TOO_MANY_REQUESTS', `Too many failed sign-in attempts for this email; try again in ${describeWait(retryAfterSeconds)}`, {
      retryAfter: retryAfterSeconds,
    });
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
