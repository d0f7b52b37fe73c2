import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens: `trk_<id>_<secret>`. The prefix lets secret scanners (GitHub's, gitleaks) find a
 * leaked one; the id names the token's row, so that a request costs one lookup by primary key
 * (and the in-memory directory can be told of a revocation by id); the secret is 256 random bits,
 * of which the database keeps only the SHA-256 (nothing to guess, so a fast hash is enough, and a
 * dump of the database holds no token that works).
 */
export const API_TOKEN_PREFIX = 'trk_';

const SHAPE = /^trk_([1-9][0-9]{0,15})_([A-Za-z0-9_-]{43})$/;

export interface PresentedApiToken {
  id: number;
  secret: string;
}

/** A new token's secret and what the database keeps of it; the token itself needs the row's id (`formatApiToken`). */
export function newApiTokenSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashApiTokenSecret(secret) };
}

export const formatApiToken = (id: number, secret: string): string => `${API_TOKEN_PREFIX}${id}_${secret}`;

/** Does this bearer token claim to be an API token (rather than a sign-in's JWT)? */
export const looksLikeApiToken = (token: string): boolean => token.startsWith(API_TOKEN_PREFIX);

/** The id and secret of a well-formed API token; null for anything else. */
export function parseApiToken(token: string): PresentedApiToken | null {
  const match = SHAPE.exec(token);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? { id, secret: match[2]! } : null;
}

export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Does the presented secret match the stored hash? In constant time for hashes of equal length. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiTokenSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
