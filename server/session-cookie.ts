import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionCookie } from './graphql/context.js';

/** The browser session: an httpOnly cookie carrying the token that login issued. */
export const SESSION_COOKIE = 'tracker_session';

/** The caller's token: the Authorization header when there is one, else the session cookie. */
export function requestToken(req: IncomingMessage): string | null {
  return bearerToken(req) ?? sessionCookie(req);
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization?.trim();
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  // A header that is not a well-formed bearer token must fail as an invalid token, even when it is
  // a valid token without the scheme: it is passed on marked, in a form no token can verify.
  return match ? match[1]! : `not-bearer ${header}`;
}

function sessionCookie(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

export function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  // Behind a TLS-terminating proxy. Trusting the header only ever makes the cookie stricter.
  const forwarded = req.headers['x-forwarded-proto'];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/**
 * What login and logout ask for, as one Set-Cookie header: httpOnly (scripts never see the
 * token), SameSite=Strict (no cross-site request carries it; Apollo's CSRF prevention covers the
 * rest), Secure over HTTPS, and lasting exactly as long as the token.
 */
export class SessionCookieHeader implements SessionCookie {
  header: string | undefined;

  constructor(private readonly secure: boolean) {}

  begin(token: string, expiresAt: Date): void {
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    this.header = this.cookie(token, maxAge);
  }

  end(): void {
    this.header = this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Strict${this.secure ? '; Secure' : ''}`;
  }
}
