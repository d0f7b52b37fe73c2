import { ValidationError } from './errors.js';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, SEARCH_MAX_LENGTH } from './limits.js';
import { ROLES, isRole, type Role } from './roles.js';

/**
 * Pure validation of the API's input rules (README: Using the API; schema.graphql). Each check returns the normalised
 * value or the problem in words; services gather problems per field so that one answer names
 * every bad field and nothing is written.
 */
export type Check<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(problem: string): Check<T> => ({ ok: false, problem });

/** U+0000–U+001F and U+007F: a line break, a tab, an escape sequence... */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Names of users and clients, and ticket titles: one line of text people read. */
export function checkName(raw: string): Check<string> {
  const value = raw.trim();
  if (value.length === 0) return bad('must not be empty');
  if (CONTROL_CHARACTER.test(value)) return bad('must not contain control characters (a line break, a tab, ...)');
  if ([...value].length > NAME_MAX_LENGTH) return bad(`must be at most ${NAME_MAX_LENGTH} characters`);
  return ok(value);
}

// The WHATWG (HTML) definition of a valid email address, which is what browsers accept.
const EMAIL_PATTERN =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function checkEmail(raw: string): Check<string> {
  const value = raw.trim().toLowerCase();
  if (value.length === 0) return bad('must not be empty');
  if (value.length > EMAIL_MAX_LENGTH) return bad(`must be at most ${EMAIL_MAX_LENGTH} characters`);
  if (!EMAIL_PATTERN.test(value) || value.split('@')[0]!.length > 64) return bad('must be a valid email address');
  return ok(value);
}

/** 8 to 72 bytes in UTF-8: bcrypt ignores bytes past 72, so a longer password is refused, not cut. */
export function checkPassword(raw: string): Check<string> {
  const bytes = utf8Length(raw);
  if (bytes < PASSWORD_MIN_LENGTH) return bad(`must be at least ${PASSWORD_MIN_LENGTH} bytes in UTF-8 (${PASSWORD_MIN_LENGTH} plain letters)`);
  if (bytes > PASSWORD_MAX_BYTES) return bad(`must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`);
  return ok(raw);
}

/** Could this be a stored password at all? A longer one would be cut by bcrypt and must never match. */
export const isPasswordLength = (raw: string): boolean => checkPassword(raw).ok;

/** Roles in any case; repeats collapse; at least one. */
export function checkRoles(raw: readonly string[]): Check<Role[]> {
  const roles = [...new Set(raw.map((r) => r.trim().toLowerCase()))];
  if (roles.length === 0) return bad('must name at least one role');
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) {
    return bad(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; known roles: ${ROLES.join(', ')}`);
  }
  return ok(roles as Role[]);
}

const MAX_ID = 2_147_483_647;

/** Ids are positive integers; they travel as strings ("1") in GraphQL and as numbers in the CLI. */
export function parseId(raw: string | number): number | null {
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  if (!/^[1-9][0-9]{0,9}$/.test(text)) return null;
  const id = Number(text);
  return id <= MAX_ID ? id : null;
}

export const ID_PROBLEM = 'must be a positive integer';

export function checkId(raw: string | number): Check<number> {
  const id = parseId(raw);
  return id === null ? bad(ID_PROBLEM) : ok(id);
}

/** An id argument, or BAD_USER_INPUT naming the argument. */
export function requireId(raw: string | number, field = 'id'): number {
  const id = parseId(raw);
  if (id === null) throw new ValidationError({ [field]: ID_PROBLEM });
  return id;
}

export function checkIds(raw: readonly (string | number)[]): Check<number[]> {
  const invalid: string[] = [];
  const ids = new Set<number>();
  for (const entry of raw) {
    const id = parseId(entry);
    if (id === null) invalid.push(JSON.stringify(entry));
    else ids.add(id);
  }
  if (invalid.length > 0) return bad(`ids must be positive integers: ${invalid.join(', ')}`);
  return ok([...ids]);
}

export interface NotificationPreferences {
  email: boolean;
  ui: boolean;
}

export const DEFAULT_NOTIFICATION_PREFERENCES: Readonly<NotificationPreferences> = Object.freeze({ email: true, ui: true });

/** Only the keys `email` and `ui`, each a boolean; an absent key is left as it was. */
export function checkNotificationPreferences(raw: unknown): Check<Partial<NotificationPreferences>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return bad('must be an object with the keys "email" and "ui"');
  }
  const result: Partial<NotificationPreferences> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key !== 'email' && key !== 'ui') return bad(`unknown key "${key}"; allowed keys: email, ui`);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') return bad(`"${key}" must be true or false`);
    result[key] = value;
  }
  return ok(result);
}

export function checkSearch(raw: string): Check<string> {
  const value = raw.trim();
  if (value.length > SEARCH_MAX_LENGTH) return bad(`must be at most ${SEARCH_MAX_LENGTH} characters`);
  return ok(value);
}

/** Gathers per-field problems, then throws them all at once. */
export class FieldProblems {
  readonly fields: Record<string, string> = {};

  take<T>(field: string, check: Check<T>): T | undefined {
    if (check.ok) return check.value;
    this.fields[field] ??= check.problem;
    return undefined;
  }

  add(field: string, problem: string): void {
    this.fields[field] ??= problem;
  }

  get empty(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  /** BAD_USER_INPUT naming every bad field, when there is one; nothing has been written yet. */
  throwIfAny(): void {
    if (!this.empty) throw new ValidationError(this.fields);
  }
}

const encoder = new TextEncoder();
const utf8Length = (text: string): number => encoder.encode(text).length;
