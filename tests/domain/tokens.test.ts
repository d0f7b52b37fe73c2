import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../../server/auth/tokens.js';
import { MESSAGES } from '../../server/domain/errors.js';

const key = () => createSecretKey(randomBytes(32));

describe('TokenService', () => {
  it('gives back the claims a token was issued with', () => {
    const tokens = new TokenService(key(), 60);
    const { token } = tokens.issue({ userId: 7, sessionId: 3 });
    expect(tokens.verify(token)).toEqual({ userId: 7, sessionId: 3 });
    expect(tokens.verify(token)).toEqual({ userId: 7, sessionId: 3 });
  });

  it('refuses a token signed with another key, or altered', () => {
    const ours = new TokenService(key(), 60);
    const theirs = new TokenService(key(), 60);
    const { token } = theirs.issue({ userId: 1, sessionId: 1 });
    expect(() => ours.verify(token)).toThrow(MESSAGES.invalidToken);
    const mine = ours.issue({ userId: 1, sessionId: 1 }).token;
    ours.verify(mine);
    const [header, payload, signature] = mine.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '2' })).toString('base64url')}.${signature}`;
    expect(() => ours.verify(forged)).toThrow(MESSAGES.invalidToken);
  });

  it('still checks the expiry of a token it has verified before', () => {
    let now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const tokens = new TokenService(key(), 60, () => now);
    const { token, expiresAt } = tokens.issue({ userId: 1, sessionId: 1 });
    expect(tokens.verify(token).userId).toBe(1);
    now = expiresAt.getTime() - 1;
    expect(tokens.verify(token).userId).toBe(1);
    now = expiresAt.getTime();
    expect(() => tokens.verify(token)).toThrow(MESSAGES.sessionExpired);
    expect(() => tokens.verify(token)).toThrow(MESSAGES.sessionExpired);
  });
});
