import { describe, expect, it } from 'vitest';
import { formatApiToken, hashApiTokenSecret, looksLikeApiToken, newApiTokenSecret, parseApiToken, secretMatches } from '../../server/auth/api-tokens.js';

/** The shape of an API token (auth/api-tokens.ts): `trk_<id>_<secret>`, only the secret's SHA-256 kept. */
describe('API tokens', () => {
  it('are trk_, the id, and 256 random bits', () => {
    const { secret, hash } = newApiTokenSecret();
    const token = formatApiToken(42, secret);
    expect(token).toMatch(/^trk_42_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashApiTokenSecret(secret));
    expect(parseApiToken(token)).toEqual({ id: 42, secret });
    expect(looksLikeApiToken(token)).toBe(true);
    expect(newApiTokenSecret().secret).not.toBe(secret);
  });

  it('parse only in their exact shape', () => {
    const secret = newApiTokenSecret().secret;
    for (const bad of ['trk_', 'trk_0_' + secret, 'trk_01_' + secret, 'trk_1_' + secret.slice(1), `trk_1_${secret}=`, `TRK_1_${secret}`, `trk_1_${secret}\n`, 'trk_99999999999999999_' + secret, 'eyJhbGciOi.x.y']) {
      expect(parseApiToken(bad)).toBeNull();
    }
  });

  it('match only the secret they were made with', () => {
    const { secret, hash } = newApiTokenSecret();
    expect(secretMatches(secret, hash)).toBe(true);
    expect(secretMatches(newApiTokenSecret().secret, hash)).toBe(false);
    expect(secretMatches(secret, 'not a hash')).toBe(false);
  });
});
