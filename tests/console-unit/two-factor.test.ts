import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../server/domain/errors.js';
import type { Problem } from '../../console/src/lib/errors.js';
import { afterRefusedCode, challengeOf, groupSecret, isTwoFactorSetupRequired, normalizeCode, qrCodeImage, recoveryCodesText } from '../../console/src/lib/two-factor.js';

/** The pure pieces of two-factor in the console (console/src/lib/two-factor.ts). */

const problem = (code: string, message: string, challenge?: string): Problem => ({ code, message, fields: {}, ...(challenge ? { challenge } : {}) });

describe('challengeOf', () => {
  it('is login’s challenge when the answer is TWO_FACTOR_REQUIRED', () => {
    expect(challengeOf(problem('TWO_FACTOR_REQUIRED', MESSAGES.twoFactorRequired, 'abc'))).toBe('abc');
  });

  it('is null for any other refusal, and for TWO_FACTOR_REQUIRED without a challenge', () => {
    expect(challengeOf(problem('UNAUTHENTICATED', MESSAGES.badCredentials))).toBeNull();
    expect(challengeOf(problem('TOO_MANY_REQUESTS', 'Too many attempts', 'abc'))).toBeNull();
    expect(challengeOf(problem('TWO_FACTOR_REQUIRED', MESSAGES.twoFactorRequired))).toBeNull();
  });
});

describe('afterRefusedCode', () => {
  it('asks again after a wrong code, a lockout or a network failure', () => {
    expect(afterRefusedCode(problem('UNAUTHENTICATED', MESSAGES.twoFactorCodeWrong))).toBe('again');
    expect(afterRefusedCode(problem('TOO_MANY_REQUESTS', 'Too many failed sign-in attempts; try again in 15 minutes'))).toBe('again');
    expect(afterRefusedCode(problem('NETWORK', 'The server could not be reached.'))).toBe('again');
  });

  it('goes back to the password when the sign-in is over: expired, completed, or the account suspended meanwhile', () => {
    expect(afterRefusedCode(problem('UNAUTHENTICATED', MESSAGES.twoFactorChallengeInvalid))).toBe('restart');
    expect(afterRefusedCode(problem('UNAUTHENTICATED', MESSAGES.accountSuspended))).toBe('restart');
  });
});

describe('isTwoFactorSetupRequired', () => {
  it('is the server’s FORBIDDEN “Set up two-factor authentication first”, and nothing else', () => {
    expect(isTwoFactorSetupRequired(problem('FORBIDDEN', MESSAGES.twoFactorSetupFirst))).toBe(true);
    expect(isTwoFactorSetupRequired(problem('FORBIDDEN', 'You need the ADMIN role to do this'))).toBe(false);
    expect(isTwoFactorSetupRequired(problem('UNAUTHENTICATED', MESSAGES.twoFactorSetupFirst))).toBe(false);
  });
});

describe('normalizeCode', () => {
  it('sends an app’s six digits without the space or dash they are shown with', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    expect(normalizeCode('123456')).toBe('123456');
  });

  it('leaves a recovery code as typed (the server ignores its case and dashes), only trimmed', () => {
    expect(normalizeCode('  K7QM-2XRD-abcd-efgh ')).toBe('K7QM-2XRD-abcd-efgh');
    expect(normalizeCode('1234567')).toBe('1234567');
  });
});

describe('groupSecret', () => {
  it('shows the base32 secret in groups of four, the last one shorter', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPAB')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP AB');
    expect(groupSecret('')).toBe('');
  });
});

describe('recoveryCodesText', () => {
  it('says whose codes they are and what they do, then one code a line', () => {
    const text = recoveryCodesText(['aaaa-bbbb-cccc-dddd', 'eeee-ffff-gggg-hhhh'], 'uma@example.com', new Date('2026-12-03T09:15:00Z'));
    expect(text.split('\n')).toEqual([
      'Tracker System: recovery codes for uma@example.com',
      'Made 2026-12-03. Each code signs you in once, instead of a code of your authenticator app.',
      'Keep them somewhere safe: anyone who has them and your password can sign in as you.',
      '',
      'aaaa-bbbb-cccc-dddd',
      'eeee-ffff-gggg-hhhh',
      '',
    ]);
  });
});

describe('qrCodeImage', () => {
  it('draws the otpauth URL as an SVG data URL (no remote service, allowed by img-src data:)', async () => {
    const image = await qrCodeImage('otpauth://totp/Tracker%20System:uma%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Tracker%20System');
    expect(image.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    const svg = decodeURIComponent(image.slice(image.indexOf(',') + 1));
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).not.toContain('<script');
  });
});
