import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time codes, RFC 6238 as every authenticator app reads them: SHA-1, 6 digits,
 * 30-second steps, the steps just before and after also accepted (clocks drift). The arithmetic is
 * otpauth's; this module only fixes the parameters and says which step a code belongs to, so that
 * a code of one step is accepted once.
 */
export const TOTP_ISSUER = 'Tracker System';
const PERIOD = 30;
const WINDOW = 1;

export interface NewTotpSecret {
  /** Base32, no padding: what a person types into an app that cannot scan. */
  base32: string;
  /** otpauth://totp/… : what the QR code holds. */
  url: string;
}

export function newTotpSecret(account: string): NewTotpSecret {
  const secret = new Secret({ size: 20 });
  return { base32: secret.base32.replace(/=+$/, ''), url: totpOf(secret.base32, account).toString() };
}

/**
 * The time step whose code `code` is, within a step of `now`; null for a code of no step near.
 * (The step is what makes a code single-use: the caller accepts only a step after the last one.)
 */
export function totpStep(base32: string, code: string, now: number = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpOf(base32, '');
  const delta = totp.validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

/** The code of `base32` at `now` (for tests, which must compute real codes). */
export function totpCode(base32: string, now: number = Date.now()): string {
  return totpOf(base32, '').generate({ timestamp: now });
}

function totpOf(base32: string, account: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: account, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(base32) });
}

/**
 * Ten recovery codes, each 80 random bits as four groups of four letters and digits
 * (`k7qm-2xrd-…`), and how the database keeps them: their SHA-256 (with 80 bits, a fast hash is
 * enough: nothing to guess).
 */
export function newRecoveryCodes(count = 10): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: count }, () => {
    const text = new Secret({ size: 10 }).base32.toLowerCase(); // 80 bits: 16 base32 characters
    return [0, 4, 8, 12].map((i) => text.slice(i, i + 4)).join('-');
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** As typed: any case, with or without the dashes and spaces. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, ''), 'utf8').digest('hex');
}
