import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError, MESSAGES } from '../domain/errors.js';

export interface TokenClaims {
  userId: number;
  /** The session the token belongs to: ending that session revokes the token. */
  sessionId: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

const ISSUER = 'tracker-system';

/** Tokens whose signature was checked, remembered until they expire: a signed-in user sends the same one with every request. */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * HS256 JWTs. The key is a KeyObject made once (crypto.createSecretKey): jsonwebtoken re-derives a
 * key from a string secret on every call, which costs about fifty times more.
 */
export class TokenService {
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();

  constructor(
    private readonly key: KeyObject,
    readonly expiresInSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** When a token issued now expires (its session ends then too). */
  expiryFromNow(): Date {
    return new Date((Math.floor(this.now() / 1000) + this.expiresInSeconds) * 1000);
  }

  issue(claims: TokenClaims, expiresAt: Date = this.expiryFromNow()): IssuedToken {
    const nowSeconds = Math.floor(this.now() / 1000);
    const exp = Math.floor(expiresAt.getTime() / 1000);
    const token = jwt.sign({ sid: claims.sessionId, iat: nowSeconds, exp }, this.key, {
      algorithm: 'HS256',
      subject: String(claims.userId),
      issuer: ISSUER,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The claims of a valid token; UNAUTHENTICATED for a malformed, forged or expired one. A token
   * checked before is not checked again (the key never changes while the process runs); its
   * expiry still is, on every call.
   */
  verify(token: string): TokenClaims {
    const known = this.verified.get(token);
    if (known) {
      if (this.now() < known.expiresAtMs) return known.claims;
      this.verified.delete(token);
      throw new DomainError('UNAUTHENTICATED', MESSAGES.sessionExpired);
    }
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, clockTimestamp: Math.floor(this.now() / 1000) }) as jwt.JwtPayload;
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new DomainError('UNAUTHENTICATED', expired ? MESSAGES.sessionExpired : MESSAGES.invalidToken);
    }
    const userId = Number(payload.sub);
    const sessionId = payload.sid;
    if (!Number.isSafeInteger(userId) || userId < 1 || !Number.isSafeInteger(sessionId) || sessionId < 1 || typeof payload.exp !== 'number') {
      throw new DomainError('UNAUTHENTICATED', MESSAGES.invalidToken);
    }
    const claims = Object.freeze({ userId, sessionId: sessionId as number });
    this.verified.set(token, { claims, expiresAtMs: payload.exp * 1000 });
    // The first key is the oldest remembered.
    if (this.verified.size > VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
    return claims;
  }
}
