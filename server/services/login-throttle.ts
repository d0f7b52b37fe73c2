import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain/errors.js';
import {
  LOGIN_FAILURE_WINDOW_MS,
  LOGIN_LOCKOUT_BASE_MS,
  LOGIN_LOCKOUT_MAX_MS,
  LOGIN_LOCKOUT_MEMORY_MS,
  LOGIN_MAX_FAILURES,
  LOGIN_MAX_FAILURES_PER_SOURCE,
} from '../domain/limits.js';
import { LoginFailure } from '../entities/login-failure.entity.js';
import { LoginLockout } from '../entities/login-lockout.entity.js';

const emailKey = (email: string) => `email:${email}`;
const sourceKey = (source: string) => `source:${source}`;

/**
 * Throttling of password guessing, in the database so that it holds across server instances.
 * Failures are counted per email and per network address over a sliding window; reaching the
 * limit locks that email (or address) out, for the window at first and for twice as long at each
 * further lockout within a day (at most a day). Locked out, even the right password is refused,
 * and TOO_MANY_REQUESTS says when to try again. An admin can lift an email's lockout.
 */
export interface NewLockout {
  of: 'email' | 'source';
  until: Date;
  level: number;
}

export interface ThrottleLimits {
  perEmail: number;
  perSource: number;
}

export class LoginThrottle {
  constructor(private readonly limits: ThrottleLimits = { perEmail: LOGIN_MAX_FAILURES, perSource: LOGIN_MAX_FAILURES_PER_SOURCE }) {}

  /** TOO_MANY_REQUESTS while the email or the address is locked out. */
  async assertAllowed(em: EntityManager, email: string, source: string | null): Promise<void> {
    const keys = [emailKey(email), ...(source ? [sourceKey(source)] : [])];
    const active = await em.find(LoginLockout, { key: { $in: keys }, lockedUntil: { $gt: new Date() } }, { orderBy: { lockedUntil: 'desc' } });
    const lockout = active[0];
    if (!lockout) return;
    const seconds = Math.max(1, Math.ceil((lockout.lockedUntil.getTime() - Date.now()) / 1000));
    const what = lockout.key.startsWith('email:') ? 'for this email' : 'from your network address';
    throw new DomainError('TOO_MANY_REQUESTS', `Too many failed sign-in attempts ${what}; try again in ${describeWait(seconds)}`, {
      retryAfter: seconds,
      retryAt: lockout.lockedUntil.toISOString(),
    });
  }

  /** Records a failure; locks the email or the address out when it reaches its limit. Returns the lockouts it began. */
  async recordFailure(em: EntityManager, email: string, source: string | null): Promise<NewLockout[]> {
    const now = new Date();
    await em.insert(LoginFailure, { email: email.slice(0, 254), source: source?.slice(0, 64) ?? null, createdAt: now } as LoginFailure);
    const begun: NewLockout[] = [];
    const byEmail = await this.lockIfOver(em, emailKey(email), { email }, this.limits.perEmail);
    if (byEmail) begun.push({ of: 'email', ...byEmail });
    const bySource = source ? await this.lockIfOver(em, sourceKey(source), { source }, this.limits.perSource) : null;
    if (bySource) begun.push({ of: 'source', ...bySource });
    return begun;
  }

  /** A successful sign-in forgets the email's failures. */
  async recordSuccess(em: EntityManager, email: string): Promise<void> {
    await em.nativeDelete(LoginFailure, { email });
  }

  /** Lifts an email's lockout and forgets its failures (an admin's decision). */
  async unlock(em: EntityManager, email: string): Promise<boolean> {
    const lifted = await em.nativeDelete(LoginLockout, { key: emailKey(email), lockedUntil: { $gt: new Date() } });
    await em.nativeDelete(LoginLockout, { key: emailKey(email) });
    await em.nativeDelete(LoginFailure, { email });
    return lifted > 0;
  }

  /** Until when this email is locked out, or null. */
  async lockedUntil(em: EntityManager, email: string): Promise<Date | null> {
    const lockout = await em.findOne(LoginLockout, { key: emailKey(email), lockedUntil: { $gt: new Date() } });
    return lockout?.lockedUntil ?? null;
  }

  private async lockIfOver(em: EntityManager, key: string, who: { email?: string; source?: string }, limit: number): Promise<{ until: Date; level: number } | null> {
    const previous = await em.findOne(LoginLockout, { key });
    // Failures count from the end of the last lockout (or the window, whichever is later).
    const since = new Date(Math.max(Date.now() - LOGIN_FAILURE_WINDOW_MS, previous?.lockedUntil.getTime() ?? 0));
    const failures = await em.count(LoginFailure, { ...who, createdAt: { $gt: since } });
    if (failures < limit) return null;
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

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}
