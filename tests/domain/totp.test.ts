import { describe, expect, it } from 'vitest';
import { Secret } from 'otpauth';
import { SecretBox } from '../../server/auth/secret-box.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpCode, totpStep } from '../../server/auth/totp.js';

/** The second factor's pieces: TOTP as RFC 6238 defines it, recovery codes, and the box TOTP secrets are kept in. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32; // the RFC's SHA-1 key

describe('TOTP (RFC 6238, SHA-1, 30-second steps, 6 digits)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('gives the test vector of RFC 6238 appendix B at %i s (its last six digits): %s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
  });

  it('accepts the codes of the step before and after (clocks drift), and names the step; no other', () => {
    const now = 1_700_000_015_000;
    const step = Math.floor(now / 30_000);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(step);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toBeNull();
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), now)).toBeNull();
    for (const notACode of ['', '12345', '1234567', 'abcdef', ' 287082']) expect(totpStep(RFC_SECRET, notACode, now)).toBeNull();
  });

  it('makes a fresh secret of 160 bits, in base32 without padding, and the otpauth URL an authenticator app scans', () => {
    const { base32, url } = newTotpSecret('ada@example.com');
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    expect(url).toBe(`otpauth://totp/Tracker%20System:ada%40example.com?issuer=Tracker%20System&secret=${base32}&algorithm=SHA1&digits=6&period=30`);
    expect(newTotpSecret('ada@example.com').base32).not.toBe(base32);
  });
});

describe('recovery codes', () => {
  it('are ten, of 80 random bits each, readable in four groups, and hashed whatever case or separators they are typed with', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(codes[0]!.toUpperCase().replace(/-/g, ' '))).toBe(hashes[0]);
    expect(hashes[0]).not.toContain(codes[0]!.replace(/-/g, ''));
  });
});

describe('SecretBox', () => {
  it('opens what it sealed, each sealing different, and nothing sealed under another key or altered', () => {
    const box = new SecretBox(Buffer.from('a key material of thirty-two bytes or more'));
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(new SecretBox(Buffer.from('another key material entirely, as long')).open(sealed)).toBeNull();
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(box.open(altered)).toBeNull();
    expect(box.open('not sealed')).toBeNull();
  });
});
