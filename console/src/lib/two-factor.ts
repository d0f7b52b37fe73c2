// Relative rather than $server/…: the unit tests (tests/console-unit) import this module without SvelteKit's aliases.
import { MESSAGES } from '../../../server/domain/errors.js';
import type { Problem } from './errors.js';
import { mutate, type Outcome } from './graphql/client.js';
import { ConfirmTotpEnrollmentMutation, DisableTwoFactorMutation, ResetTwoFactorMutation, StartTotpEnrollmentMutation, type TotpEnrollmentData } from './graphql/operations.js';

/**
 * Two-factor authentication as the console offers it: set up from Profile, the second step of
 * sign-in, and an admin's reset. The server decides whether a code is right, who must have
 * two-factor, and who may reset it; this asks, and says what it answered.
 */

/** The server's refusal of everything but setting two-factor up (TWO_FACTOR_REQUIRED_FOR=admin). */
export function isTwoFactorSetupRequired(problem: Pick<Problem, 'code' | 'message'>): boolean {
  return problem.code === 'FORBIDDEN' && problem.message === MESSAGES.twoFactorSetupFirst;
}

/** Login's answer for a user with two-factor on: the challenge to send back with the code, else null. */
export function challengeOf(problem: Problem): string | null {
  return problem.code === 'TWO_FACTOR_REQUIRED' && problem.challenge ? problem.challenge : null;
}

/**
 * What a refused second step means for the sign-in page: `again` (a wrong code: type another),
 * or `restart` (the challenge is over, expired or used, or the account cannot sign in: back to
 * the password, which asks the server afresh).
 */
export function afterRefusedCode(problem: Problem): 'again' | 'restart' {
  if (problem.code !== 'UNAUTHENTICATED') return 'again'; // a lockout (TOO_MANY_REQUESTS), the network: the same code may work later
  return problem.message === MESSAGES.twoFactorCodeWrong ? 'again' : 'restart';
}

/**
 * A code as typed, as the server reads it: an authenticator app's six digits are often shown as
 * "123 456", and pasted so; a recovery code is sent as typed (the server ignores its case,
 * dashes and spaces).
 */
export function normalizeCode(typed: string): string {
  const text = typed.trim();
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : text;
}

/** The secret as a person types it into an app that cannot scan: groups of four ("JBSW Y3DP …"). */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** The QR code of the otpauth:// URL, drawn here (never by a remote service), as an image the page's CSP allows (img-src data:). */
export async function qrCodeImage(otpauthUrl: string): Promise<string> {
  // Loaded when a set-up starts: every page imports this module, few draw a QR code.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export const RECOVERY_CODES_FILE = 'tracker-recovery-codes.txt';

/** The text of the downloaded recovery codes: what they are for, then one code a line. */
export function recoveryCodesText(codes: readonly string[], account: string, at: Date): string {
  return [
    `Tracker System: recovery codes for ${account}`,
    `Made ${at.toISOString().slice(0, 10)}. Each code signs you in once, instead of a code of your authenticator app.`,
    'Keep them somewhere safe: anyone who has them and your password can sign in as you.',
    '',
    ...codes,
    '',
  ].join('\n');
}

export async function startEnrollment(): Promise<Outcome<TotpEnrollmentData>> {
  const result = await mutate(StartTotpEnrollmentMutation, {});
  return result.ok ? { ok: true, value: result.value.startTotpEnrollment } : result;
}

/** A current code turns two-factor on; the value is the ten recovery codes, which the server shows only now. */
export async function confirmEnrollment(code: string): Promise<Outcome<string[]>> {
  const result = await mutate(ConfirmTotpEnrollmentMutation, { code: normalizeCode(code) });
  return result.ok ? { ok: true, value: result.value.confirmTotpEnrollment } : result;
}

export async function disableTwoFactor(password: string): Promise<Outcome<boolean>> {
  const result = await mutate(DisableTwoFactorMutation, { password });
  return result.ok ? { ok: true, value: result.value.disableTwoFactor } : result;
}

export function resetTwoFactor(userId: string) {
  return mutate(ResetTwoFactorMutation, { userId });
}
