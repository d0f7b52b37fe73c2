import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../auth/secret-box.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpStep } from '../auth/totp.js';
import { DomainError, MESSAGES, ValidationError, notFound } from '../domain/errors.js';
import { requireId } from '../domain/validation.js';
import { RecoveryCode } from '../entities/recovery-code.entity.js';
import { TwoFactorChallenge } from '../entities/two-factor-challenge.entity.js';
import { User } from '../entities/user.entity.js';
import type { ActorChanges } from './actor-directory.js';
import type { AuditLog } from './audit-log.js';
import type { AuthService, LoginResult } from './auth.service.js';
import type { ServiceContext } from './context.js';
import { requireAdmin, requireUser } from './guards.js';
import { inTransaction } from './persistence.js';
import type { UserSummary, UserSummaryReader } from './user-read-model.js';
import { refuseApiToken } from './api-token.service.js';

export interface TotpEnrollment {
  secret: string;
  otpauthUrl: string;
}

/** Which second factor a code proved. */
export type SecondFactor = 'totp' | 'recovery-code';

/**
 * Two-factor authentication with an authenticator app (TOTP, auth/totp.ts) and recovery codes.
 * The secret is kept encrypted (SecretBox), recovery codes and challenges hashed: a dump of the
 * database gives away no second factor. Enrolment takes effect only once a code confirms it.
 */
export class TwoFactorService {
  constructor(
    /** Undefined in a process that signs nobody in (the operator's CLI): it may only turn two-factor off. */
    private readonly box: SecretBox | undefined,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly actors: ActorChanges,
    private readonly users: UserSummaryReader,
  ) {}

  /** A new secret to enrol (it replaces one not yet confirmed): the secret as text and the otpauth URL of its QR code. */
  async startEnrollment(ctx: ServiceContext): Promise<TotpEnrollment> {
    const me = requireUser(ctx.actor);
    refuseApiToken(ctx, 'change two-factor settings');
    const box = this.sealer();
    const secret = newTotpSecret(me.email);
    await ctx.em.fork().nativeUpdate(User, me.id, { totpPendingSecret: box.seal(secret.base32) });
    return { secret: secret.base32, otpauthUrl: secret.url };
  }

  /**
   * A current code of the secret being enrolled turns two-factor on, and gives the ten recovery
   * codes, shown this once (only their hashes are kept; earlier ones stop working). A wrong code:
   * BAD_USER_INPUT naming `code`.
   */
  async confirmEnrollment(ctx: ServiceContext, code: string): Promise<string[]> {
    const me = requireUser(ctx.actor);
    refuseApiToken(ctx, 'change two-factor settings');
    const box = this.sealer();
    const codes = await inTransaction(ctx.em, async (em) => {
      const user = await em.findOneOrFail(User, me.id, { populate: ['totpPendingSecret'], lockMode: LockMode.PESSIMISTIC_WRITE });
      const pending = user.totpPendingSecret ? box.open(user.totpPendingSecret) : null;
      if (!pending) throw new ValidationError({ code: 'start the set-up first: there is no secret waiting for a code' });
      const step = totpStep(pending, String(code).trim());
      if (step === null) throw new ValidationError({ code: 'is not the current code of your authenticator app' });
      user.totpSecret = user.totpPendingSecret;
      user.totpPendingSecret = null;
      user.totpEnabledAt = new Date();
      user.totpLastStep = String(step);
      user.updatedAt = new Date();
      await em.flush();
      const recovery = newRecoveryCodes();
      await em.nativeDelete(RecoveryCode, { user: me.id });
      const now = new Date();
      await em.insertMany(RecoveryCode, recovery.hashes.map((codeHash) => ({ user: me.id, codeHash, createdAt: now, usedAt: null }) as never));
      await this.audit.record(em, ctx, { action: 'two-factor.enable', targetType: 'user', targetId: me.id, targetLabel: me.email, changes: { twoFactor: { from: false, to: true }, recoveryCodes: '10 new' } });
      return recovery.codes;
    });
    this.actors.changed([me.id]);
    return codes;
  }

  /** Turns one's own two-factor off, with the password (a wrong one counts as a failed sign-in): BAD_USER_INPUT naming `password`. */
  async disable(ctx: ServiceContext, password: string): Promise<boolean> {
    const me = requireUser(ctx.actor);
    refuseApiToken(ctx, 'change two-factor settings');
    const stored = await ctx.em.findOne(User, me.id, { populate: ['passwordHash'] });
    if (!stored) throw notFound('user');
    if (!(await this.auth.checkOwnPassword(ctx, stored, String(password)))) throw new ValidationError({ password: 'is incorrect' });
    await inTransaction(ctx.em, async (em) => {
      await this.turnOff(em, me.id);
      await this.audit.record(em, ctx, { action: 'two-factor.disable', targetType: 'user', targetId: me.id, targetLabel: me.email, changes: { twoFactor: { from: true, to: false } } });
    });
    this.actors.changed([me.id]);
    return true;
  }

  /** A sign-in's second step (AuthService.verifyTwoFactor), with this service's proof of a code. */
  verify(ctx: ServiceContext, challenge: string, code: string): Promise<LoginResult> {
    return this.auth.verifyTwoFactor(ctx, challenge, code, this);
  }

  /** ADMIN, or the operator: turns a user's two-factor off (they lost their device). */
  async reset(ctx: ServiceContext, rawId: string | number): Promise<UserSummary> {
    requireAdmin(ctx.actor);
    refuseApiToken(ctx, 'change two-factor settings');
    const id = requireId(rawId, 'userId');
    await inTransaction(ctx.em, async (em) => {
      const user = await em.findOne(User, id, { fields: ['email', 'totpEnabledAt'] });
      if (!user) throw notFound('user');
      await this.turnOff(em, id);
      await this.audit.record(em, ctx, { action: 'two-factor.reset', targetType: 'user', targetId: id, targetLabel: user.email, changes: { twoFactor: { from: user.totpEnabledAt !== null, to: false } } });
    });
    this.actors.changed([id]);
    const user = await this.users.read(ctx.em, id);
    if (!user) throw notFound('user');
    return user;
  }

  /**
   * Inside the caller's transaction: does `code` prove the user's second factor? A TOTP code of a
   * step after the last one accepted (a code is accepted once), or an unused recovery code (then
   * used). The challenge is used up with it, once.
   */
  async proves(em: EntityManager, userId: number, code: string, challengeId: string): Promise<SecondFactor | null> {
    const typed = String(code).trim();
    let proved: SecondFactor | null = null;
    if (/^\d{6}$/.test(typed)) {
      const user = await em.findOneOrFail(User, userId, { populate: ['totpSecret', 'totpLastStep'], lockMode: LockMode.PESSIMISTIC_WRITE });
      const secret = user.totpSecret ? this.sealer().open(user.totpSecret) : null;
      const step = secret ? totpStep(secret, typed) : null;
      if (step !== null && step > Number(user.totpLastStep ?? -1)) {
        user.totpLastStep = String(step);
        await em.flush();
        proved = 'totp';
      }
    } else {
      const used = await em.nativeUpdate(RecoveryCode, { user: userId, codeHash: hashRecoveryCode(typed), usedAt: null }, { usedAt: new Date() });
      if (used > 0) proved = 'recovery-code';
    }
    if (proved && (await em.nativeUpdate(TwoFactorChallenge, { id: challengeId, usedAt: null }, { usedAt: new Date() })) === 0) {
      throw new DomainError('UNAUTHENTICATED', MESSAGES.twoFactorChallengeInvalid); // another request completed it first
    }
    return proved;
  }

  private async turnOff(em: EntityManager, userId: number): Promise<void> {
    await em.nativeUpdate(User, userId, { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() });
    await em.nativeDelete(RecoveryCode, { user: userId });
    await em.nativeDelete(TwoFactorChallenge, { user: userId });
  }

  private sealer(): SecretBox {
    if (!this.box) throw new Error('This process holds no two-factor key: setting up two-factor is for the server');
    return this.box;
  }
}
