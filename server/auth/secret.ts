import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JWT_SECRET_MIN_LENGTH, type Config } from '../config.js';

export const GENERATED_SECRET_FILE = 'jwt-secret';

/**
 * The token signing key: JWT_SECRET when set; otherwise a random secret generated once into the
 * data directory (mode 0600) and reused by every later process on this machine, the CLI included.
 * loadConfig already refused a missing secret in production.
 */
export function resolveJwtKey(config: Pick<Config, 'jwtSecret' | 'dataDir'>): KeyObject {
  if (config.jwtSecret !== undefined) return createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, GENERATED_SECRET_FILE);
  // Written aside, then linked into place: another process never reads a half-written secret,
  // and when two processes race, both end up with the one that was linked first.
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < JWT_SECRET_MIN_LENGTH) {
    throw new Error(`${file} holds a secret shorter than ${JWT_SECRET_MIN_LENGTH} characters: delete it to generate a new one`);
  }
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
