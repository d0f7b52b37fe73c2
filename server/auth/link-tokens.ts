import { createHash, randomBytes } from 'node:crypto';

/**
 * The tokens of emailed links (invitations, password resets): 256 random bits, URL-safe. The
 * database keeps only their SHA-256: a token carries enough randomness that a fast hash is enough
 * (nothing to guess), and a dump of the database holds no link that works.
 */
export interface LinkToken {
  /** Goes into the link, and nowhere else. */
  token: string;
  /** What the database keeps. */
  hash: string;
}

export function newLinkToken(): LinkToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
