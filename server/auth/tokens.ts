import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError, MESSAGES } from '../domain/errors.js';

export interface TokenClaims {
  userId: number;
  /** The user's token version when it was issued; a password change bumps it, revoking the token. */
  tokenVersion: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

const ISSUER = 'tracker-system';

/**
 * HS256 JWTs. The key is a KeyObject made once (crypto.createSecretKey): jsonwebtoken re-derives a
 * key from a string secret on every call, which costs about fifty times more.
 */
export class TokenService {
  constructor(
    private readonly key: KeyObject,
    readonly expiresInSeconds: number,
  ) {}

  issue(claims: TokenClaims): IssuedToken {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const exp = nowSeconds + this.expiresInSeconds;
    const token = jwt.sign({ ver: claims.tokenVersion, iat: nowSeconds, exp }, this.key, {
      algorithm: 'HS256',
      subject: String(claims.userId),
      issuer: ISSUER,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid token; UNAUTHENTICATED for a malformed, forged or expired one. */
  verify(token: string): TokenClaims {
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER }) as jwt.JwtPayload;
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new DomainError('UNAUTHENTICATED', expired ? MESSAGES.sessionExpired : MESSAGES.invalidToken);
    }
    const userId = Number(payload.sub);
    const tokenVersion = payload.ver;
    if (!Number.isSafeInteger(userId) || userId < 1 || typeof tokenVersion !== 'number') {
      throw new DomainError('UNAUTHENTICATED', MESSAGES.invalidToken);
    }
    return { userId, tokenVersion };
  }
}
