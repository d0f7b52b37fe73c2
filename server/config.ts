import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { trustProxyProblem } from './client-address.js';

/** The repository root: where `.env`, `.data` and the console live, wherever the process was started. */
export const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  /** postgres://… when set; otherwise the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Explicit JWT_SECRET; when undefined one is generated into the data dir (not in production). */
  jwtSecret: string | undefined;
  jwtExpiresInSeconds: number;
  /** How long an invitation link works (INVITE_TTL). */
  inviteTtlSeconds: number;
  /** How long a password-reset link works (RESET_TTL). */
  resetTtlSeconds: number;
  bcryptRounds: number;
  host: string;
  port: number;
  production: boolean;
  /** Where people reach the console (links in emails); default http://HOST:PORT. */
  publicUrl: string;
  /** smtp:// or smtps:// URL; undefined: emails are written to the server log. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** GraphQL schema introspection: GRAPHQL_INTROSPECTION=true|false; default on except in production. */
  introspection: boolean;
  /** Reverse proxies whose X-Forwarded-For is believed: addresses, CIDR ranges or `loopback` (TRUST_PROXY). */
  trustProxy: string[];
  /** LOG_FORMAT: readable lines (default) or one JSON object per line. */
  logFormat: 'readable' | 'json';
  /** METRICS_TOKEN: the Bearer token /metrics asks for; undefined: /metrics is not served. */
  metricsToken: string | undefined;
  /** TWO_FACTOR_REQUIRED_FOR=admin: admins must set up two-factor before doing anything else. */
  twoFactorRequiredFor: 'admin' | null;
  /** TWO_FACTOR_KEY: the key that encrypts TOTP secrets; undefined: derived from the token signing secret. */
  twoFactorKey: string | undefined;
}

export const METRICS_TOKEN_MIN_LENGTH = 16;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const JWT_SECRET_MIN_LENGTH = 32;

/**
 * The environment as the process sees it, with `.env` in the repository root filling the gaps
 * (the environment wins; README: Configuration, .env.example).
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, root = ROOT_DIR): NodeJS.ProcessEnv {
  const file = resolve(root, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

export interface LoadOptions {
  /** The server signs tokens; the operator CLI does not, so it may run in production without JWT_SECRET. */
  signsTokens?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv, root = ROOT_DIR, options: LoadOptions = {}): Config {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const rawDir = nonEmpty(env.TRACKER_DATA_DIR) ?? './.data';
  const dataDir = isAbsolute(rawDir) ? rawDir : resolve(root, rawDir);

  const jwtSecret = nonEmpty(env.JWT_SECRET);
  if (jwtSecret !== undefined && jwtSecret.length < JWT_SECRET_MIN_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${JWT_SECRET_MIN_LENGTH} characters`);
  }
  if (jwtSecret === undefined && production && options.signsTokens !== false) {
    problems.push(`JWT_SECRET is required when NODE_ENV=production (at least ${JWT_SECRET_MIN_LENGTH} random characters)`);
  }

  const jwtExpiresInSeconds = parseDuration(nonEmpty(env.JWT_EXPIRES_IN) ?? '12h');
  if (jwtExpiresInSeconds === null) problems.push('JWT_EXPIRES_IN must be a duration such as 3600, 90m, 12h or 7d');

  const inviteTtlSeconds = parseDuration(nonEmpty(env.INVITE_TTL) ?? '72h');
  if (inviteTtlSeconds === null) problems.push('INVITE_TTL must be a duration such as 3600, 90m, 72h or 7d');
  const resetTtlSeconds = parseDuration(nonEmpty(env.RESET_TTL) ?? '1h');
  if (resetTtlSeconds === null) problems.push('RESET_TTL must be a duration such as 3600, 30m or 1h');

  const bcryptRounds = parseInteger(env.BCRYPT_ROUNDS, 12);
  if (bcryptRounds === null || bcryptRounds < 4 || bcryptRounds > 20) problems.push('BCRYPT_ROUNDS must be an integer from 4 to 20');

  const port = parseInteger(env.PORT, 4000);
  if (port === null || port < 0 || port > 65535) problems.push('PORT must be an integer from 0 to 65535');

  const publicUrl = nonEmpty(env.PUBLIC_URL);
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) problems.push('PUBLIC_URL must be an http:// or https:// URL');
  const smtpUrl = nonEmpty(env.SMTP_URL);
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');

  const introspectionSetting = nonEmpty(env.GRAPHQL_INTROSPECTION)?.toLowerCase();
  if (introspectionSetting !== undefined && introspectionSetting !== 'true' && introspectionSetting !== 'false') problems.push('GRAPHQL_INTROSPECTION must be true or false');

  const trustProxy = (nonEmpty(env.TRUST_PROXY) ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  for (const entry of trustProxy) {
    const problem = trustProxyProblem(entry);
    if (problem) problems.push(`TRUST_PROXY: ${problem}`);
  }

  const logFormat = nonEmpty(env.LOG_FORMAT)?.toLowerCase() ?? 'readable';
  if (logFormat !== 'readable' && logFormat !== 'json') problems.push('LOG_FORMAT must be readable or json');
  const metricsToken = nonEmpty(env.METRICS_TOKEN);
  if (metricsToken !== undefined && (metricsToken.length < METRICS_TOKEN_MIN_LENGTH || /\s/.test(metricsToken))) {
    problems.push(`METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters, without spaces`);
  }

  const twoFactorRequiredFor = nonEmpty(env.TWO_FACTOR_REQUIRED_FOR)?.toLowerCase() ?? null;
  if (twoFactorRequiredFor !== null && twoFactorRequiredFor !== 'admin') problems.push('TWO_FACTOR_REQUIRED_FOR must be admin (or unset)');
  const twoFactorKey = nonEmpty(env.TWO_FACTOR_KEY);
  if (twoFactorKey !== undefined && twoFactorKey.length < JWT_SECRET_MIN_LENGTH) problems.push(`TWO_FACTOR_KEY must be at least ${JWT_SECRET_MIN_LENGTH} characters`);

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  return {
    databaseUrl,
    dataDir,
    jwtSecret,
    jwtExpiresInSeconds: jwtExpiresInSeconds!,
    inviteTtlSeconds: inviteTtlSeconds!,
    resetTtlSeconds: resetTtlSeconds!,
    bcryptRounds: bcryptRounds!,
    host,
    port: port!,
    production,
    publicUrl: (publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    smtpUrl,
    emailFrom: nonEmpty(env.EMAIL_FROM) ?? 'Tracker System <tracker@localhost>',
    introspection: introspectionSetting === undefined ? !production : introspectionSetting === 'true',
    trustProxy,
    logFormat: logFormat as Config['logFormat'],
    metricsToken,
    twoFactorRequiredFor: twoFactorRequiredFor as Config['twoFactorRequiredFor'],
    twoFactorKey,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseInteger(value: string | undefined, fallback: number): number | null {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  return /^\d+$/.test(text) ? Number(text) : null;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "3600" (seconds), "90s", "30m", "12h", "7d", "1w" → seconds. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*([smhdw]?)$/i.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * (match[2] ? UNIT_SECONDS[match[2].toLowerCase()]! : 1);
  return seconds > 0 ? seconds : null;
}
