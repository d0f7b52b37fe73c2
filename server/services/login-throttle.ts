import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import {
  LOGIN_ATTEMPT_IN_FLIGHT_MS,
  LOGIN_FAILURE_WINDOW_MS,
  LOGIN_LOCKOUT_BASE_MS,
  LOGIN_LOCKOUT_MAX_MS,
  LOGIN_LOCKOUT_MEMORY_MS,
  LOGIN_MAX_FAILURES,
  LOGIN_MAX_FAILURES_PER_SOURCE,
} from '../domain/limits.js';
import { LoginFailure } from '../entities/login-failure.entity.js';
import { LoginLockout } from '../entities/login-lockout.entity.js';
import { Coalescer } from './coalesce.js';
import { inTransaction } from './persistence.js';

const emailKey = (email: string) => `email:${email}`;

/**
 * Throttling of password guessing (and of any other secret a person proves, such as a current
 * password or a second-factor code), in the database so that it holds across server instances.
 *
 * - Per email: at most `perEmail` failures in a sliding window; reaching it locks the email out,
 *   for the window at first and twice as long at each further lockout within a day (at most a
 *   day). Locked out, even the right secret is refused.
 * - Per network address: at most `perSource` failures in the window, across every email; more are
 *   refused until the oldest leaves the window. The address is slowed, never locked for longer,
 *   and no other address is affected.
 *
 * A guess is counted *before* its secret is checked (`begin`), under a lock on the email and the
 * address, so that guesses arriving together are counted one after the other: however many
 * arrive at once, no more than the limit are ever checked. Its outcome is recorded after the
 * check (`failed`, `succeeded`); `succeeded` looks again, so a lockout that began meanwhile holds.
 */
export interface NewLockout {
  of: 'email';
  until: Date;
  level: number;
}

export interface ThrottleLimits {
  perEmail: number;
  perSource: number;
}

/** One guess, counted and not yet decided. */
export interface Attempt {
  readonly id: string;
  /** '' when what was typed is not an email address (it is then never stored). */
  readonly email: string;
  readonly source: string | null;
}

export class LoginThrottle {
  /** The lockouts of a page of users, asked for together (the users list shows them), in one statement. */
  private readonly lockouts = new Coalescer<string, Date>(async (em, emails) => {
    const rows = await em.find(LoginLockout, { key: { $in: emails.map(emailKey) }, lockedUntil: { $gt: new Date() } });
    return new Map(rows.map((row) => [row.key.slice('email:'.length), row.lockedUntil]));
  });

  constructor(private readonly limits: ThrottleLimits = { perEmail: LOGIN_MAX_FAILURES, perSource: LOGIN_MAX_FAILURES_PER_SOURCE }) {}

  /**
   * Counts a guess of `email`'s secret from `source`, in a transaction of its own: TOO_MANY_REQUESTS
   * while the email is locked out or has as many guesses failed or in flight as its limit allows,
   * or while the address has reached its own limit.
   */
  async begin(em: EntityManager, email: string, source: string | null): Promise<Attempt> {
    return inTransaction(em, async (tx) => {
      await this.lock(tx, email, source);
      if (email) {
        const lockout = await this.activeLockout(tx, email);
        if (lockout) throw tooMany(lockout.lockedUntil, 'for this email');
        const previous = await tx.findOne(LoginLockout, { key: emailKey(email) });
        const counted = await this.countAttempts(tx, { email }, this.since(previous));
        // The next failure would lock the email out: a guess beyond it is not checked at all.
        if (counted.total >= this.limits.perEmail) throw tooMany(new Date(Date.now() + LOGIN_LOCKOUT_BASE_MS), 'for this email');
      }
      if (source) {
        const counted = await this.countAttempts(tx, { source }, new Date(Date.now() - LOGIN_FAILURE_WINDOW_MS));
        if (counted.total >= this.limits.perSource) {
          const freesAt = new Date((counted.oldest ?? new Date()).getTime() + LOGIN_FAILURE_WINDOW_MS);
          throw tooMany(freesAt, 'from your network address');
        }
      }
      const [row] = await tx.execute<{ id: string }[]>(
        `insert into "login_failures" ("email", "source", "created_at", "pending") values (?, ?, now(), true) returning "id"`,
        [email.slice(0, 254), source?.slice(0, 64) ?? null],
      );
      return { id: String(row!.id), email, source };
    });
  }

  /** The guess was wrong: recorded as a failure, inside the caller's transaction. Returns the lockout it began, if any. */
  async failed(em: EntityManager, attempt: Attempt): Promise<NewLockout[]> {
    await this.lock(em, attempt.email, null);
    await em.nativeUpdate(LoginFailure, { id: attempt.id }, { pending: false });
    if (!attempt.email) return [];
    const lockout = await this.lockIfOver(em, attempt.email);
    return lockout ? [{ of: 'email', ...lockout }] : [];
  }

  /**
   * The guess was right. Unless the email was locked out meanwhile (then TOO_MANY_REQUESTS, even
   * now), its failures are forgotten. In a transaction of its own.
   */
  async succeeded(em: EntityManager, attempt: Attempt): Promise<void> {
    const lockedUntil = await inTransaction(em, async (tx) => {
      await this.lock(tx, attempt.email, null);
      const lockout = attempt.email ? await this.activeLockout(tx, attempt.email) : null;
      if (lockout) {
        await tx.nativeDelete(LoginFailure, { id: attempt.id });
        return lockout.lockedUntil;
      }
      await tx.nativeDelete(LoginFailure, attempt.email ? { email: attempt.email } : { id: attempt.id });
      return null;
    });
    if (lockedUntil) throw tooMany(lockedUntil, 'for this email');
  }

  /**
   * The guess was right but proves only half of who someone is (the password of an account with a
   * second factor): it stops counting as in flight, and the email's failures are kept, so that
   * guesses of the second factor count on from them. In a transaction of its own.
   */
  async settled(em: EntityManager, attempt: Attempt): Promise<void> {
    await em.fork().nativeDelete(LoginFailure, { id: attempt.id });
  }

  /** Lifts an email's lockout and forgets its failures (an admin's decision). */
  async unlock(em: EntityManager, email: string): Promise<boolean> {
    const lifted = await em.nativeDelete(LoginLockout, { key: emailKey(email), lockedUntil: { $gt: new Date() } });
    await em.nativeDelete(LoginLockout, { key: emailKey(email) });
    await em.nativeDelete(LoginFailure, { email });
    return lifted > 0;
  }

  /** Forgets a network address's failures, so that it is no longer slowed. Returns how many there were in the window. */
  async unlockAddress(em: EntityManager, source: string): Promise<number> {
    const inWindow = await em.count(LoginFailure, { source, createdAt: { $gt: new Date(Date.now() - LOGIN_FAILURE_WINDOW_MS) } });
    await em.nativeDelete(LoginFailure, { source });
    return inWindow;
  }

  /** Until when this email is locked out, or null. */
  async lockedUntil(em: EntityManager, email: string): Promise<Date | null> {
    return this.lockouts.read(em, email);
  }

  /** Serialises the guesses of one email, and of one address, across every instance, until the transaction ends. */
  private async lock(em: EntityManager, email: string, source: string | null): Promise<void> {
    // Always the email first, then the address: two guesses never wait for each other in a circle.
    if (email) await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`tracker.sign-in.email:${email}`]);
    if (source) await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`tracker.sign-in.source:${source}`]);
  }

  private activeLockout(em: EntityManager, email: string): Promise<LoginLockout | null> {
    return em.findOne(LoginLockout, { key: emailKey(email), lockedUntil: { $gt: new Date() } });
  }

  /** Failures count from the end of the last lockout (or the window, whichever is later). */
  private since(previous: LoginLockout | null): Date {
    return new Date(Math.max(Date.now() - LOGIN_FAILURE_WINDOW_MS, previous?.lockedUntil.getTime() ?? 0));
  }

  /** Failures since `since`, and guesses in flight (an attempt whose check never finished stops counting after a minute). */
  private async countAttempts(em: EntityManager, who: { email: string } | { source: string }, since: Date): Promise<{ total: number; oldest: Date | null }> {
    const column = 'email' in who ? '"email"' : '"source"';
    const rows = await em.execute<{ total: number; oldest: string | null }[]>(
      `select count(*)::int as "total", min("created_at") as "oldest" from "login_failures"
        where ${column} = ? and "created_at" > ? and (not "pending" or "created_at" > ?)`,
      ['email' in who ? who.email : who.source, since, new Date(Date.now() - LOGIN_ATTEMPT_IN_FLIGHT_MS)],
    );
    const row = rows[0]!;
    return { total: Number(row.total), oldest: row.oldest ? new Date(row.oldest) : null };
  }

  private async lockIfOver(em: EntityManager, email: string): Promise<{ until: Date; level: number } | null> {
    const key = emailKey(email);
    const previous = await em.findOne(LoginLockout, { key });
    const failures = await em.count(LoginFailure, { email, pending: false, createdAt: { $gt: this.since(previous) } });
    if (failures < this.limits.perEmail) return null;
    const remembered = previous && previous.lockedUntil.getTime() > Date.now() - LOGIN_LOCKOUT_MEMORY_MS;
    const level = remembered ? previous.level + 1 : 1;
    const until = new Date(Date.now() + Math.min(LOGIN_LOCKOUT_MAX_MS, LOGIN_LOCKOUT_BASE_MS * 2 ** (level - 1)));
    // em.execute runs in the caller's transaction, when there is one.
    await em.execute(
      `insert into "login_lockouts" ("key", "locked_until", "level", "updated_at") values (?, ?, ?, now())
       on conflict ("key") do update set "locked_until" = greatest("login_lockouts"."locked_until", excluded."locked_until"),
                                         "level" = excluded."level", "updated_at" = now()`,
      [key, until, level],
    );
    return { until, level };
  }
}

function tooMany(until: Date, what: string): DomainError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new DomainError('TOO_MANY_REQUESTS', `Too many failed sign-in attempts ${what}; try again in ${describeWait(seconds)}`, {
    retryAfter: seconds,
    retryAt: until.toISOString(),
  });
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}
