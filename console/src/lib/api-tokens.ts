// Relative rather than $server/…: the unit tests (tests/console-unit) import this module without SvelteKit's aliases.
import { API_TOKEN_MAX_DAYS } from '../../../server/domain/limits.js';
import { fieldsFor, type Problem } from './errors.js';
import { mutate, type Outcome } from './graphql/client.js';
import { CreateApiTokenMutation, RevokeApiTokenMutation, type ApiTokenData } from './graphql/operations.js';
import type { Announcement } from './sessions.js';

/**
 * API tokens, as Profile makes them and Profile and a user's page revoke them. The server decides
 * the name's rules, the lifetime's range and who may revoke which; this asks, and says what it
 * answered.
 */

export interface ApiTokenForm {
  name: string;
  /** As typed: empty for a token that never expires. */
  expiresInDays: string;
}

export const API_TOKEN_FIELDS = ['name', 'expiresInDays'] as const;
export type ApiTokenField = (typeof API_TOKEN_FIELDS)[number];

export const EXPIRES_HINT = `1 to ${API_TOKEN_MAX_DAYS}. Leave it empty for a token that never expires.`;

/**
 * The lifetime as the API's Int takes it: null when left empty. Text that is no whole number
 * cannot travel as an Int at all, so it is refused here, in the server's words; the range is
 * the server's to check.
 */
export function expiresInDaysOf(typed: string): { ok: true; value: number | null } | { ok: false; problem: string } {
  const text = typed.trim();
  if (text === '') return { ok: true, value: null };
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return { ok: false, problem: `Must be a whole number of days from 1 to ${API_TOKEN_MAX_DAYS}, or left empty for a token that never expires.` };
  return { ok: true, value: Number(text) };
}

export type Created = { ok: true; token: string; apiToken: ApiTokenData } | { ok: false; fields: Partial<Record<ApiTokenField, string>>; failure: string };

export async function createApiToken(form: ApiTokenForm): Promise<Created> {
  const days = expiresInDaysOf(form.expiresInDays);
  if (!days.ok) return { ok: false, fields: { expiresInDays: days.problem }, failure: 'One field needs attention.' };
  const result = await mutate(CreateApiTokenMutation, { input: { name: form.name, expiresInDays: days.value } });
  if (result.ok) return { ok: true, ...result.value.createApiToken };
  return refused(result.problem);
}

function refused(problem: Problem): Created {
  const { fields, rest } = fieldsFor(problem, API_TOKEN_FIELDS);
  return { ok: false, fields, failure: [problem.message, ...rest].join(' ') };
}

/** NOT_FOUND: the token was revoked meanwhile (or its user deleted), which is what was asked. */
export async function revokeApiToken(id: string): Promise<Outcome<{ alreadyGone: boolean }>> {
  const result = await mutate(RevokeApiTokenMutation, { id });
  if (result.ok) return { ok: true, value: { alreadyGone: false } };
  if (result.problem.code === 'NOT_FOUND') return { ok: true, value: { alreadyGone: true } };
  return result;
}

export function revokedMessage(token: Pick<ApiTokenData, 'name'>, outcome: Outcome<{ alreadyGone: boolean }>): Announcement {
  if (!outcome.ok) return { kind: 'error', message: `Could not revoke “${token.name}”: ${outcome.problem.message}` };
  return { kind: 'success', message: outcome.value.alreadyGone ? `“${token.name}” was already revoked` : `Revoked “${token.name}”: it no longer works` };
}

/** Has the token's expiry passed? (Expired tokens stay listed until revoked, and no longer work.) */
export function isExpired(token: Pick<ApiTokenData, 'expiresAt'>, now: Date = new Date()): boolean {
  return token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now.getTime();
}
