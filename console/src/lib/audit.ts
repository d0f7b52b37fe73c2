// Relative rather than $server/…: the unit tests (tests/console-unit) import this module without SvelteKit's aliases.
import { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditTarget } from '../../../server/domain/audit.js';

/** The audit log page's pure logic: filters in the URL, readable actions, targets and change summaries. */

export { AUDIT_ACTIONS, type AuditAction, type AuditTarget };

export const AUDIT_TARGETS: readonly AuditTarget[] = ['user', 'client', 'ticket'];
const isAuditTarget = (value: string): value is AuditTarget => (AUDIT_TARGETS as readonly string[]).includes(value);

const ACTION_LABELS: Record<AuditAction, string> = {
  'user.create': 'User created',
  'user.update': 'User updated',
  'user.delete': 'User deleted',
  'user.unlock': 'User unlocked',
  'user.invite': 'User invited',
  'user.invitation.resend': 'Invitation sent again',
  'user.invitation.accept': 'Invitation accepted',
  'user.password.reset-request': 'Password reset asked for',
  'user.password.reset': 'Password reset',
  'user.suspend': 'User suspended',
  'user.reactivate': 'User reactivated',
  'user.import': 'Users imported',
  'client.create': 'Client created',
  'client.update': 'Client updated',
  'client.delete': 'Client deleted',
  'ticket.create': 'Ticket created',
  'ticket.update': 'Ticket updated',
  'ticket.delete': 'Ticket deleted',
  'login.success': 'Signed in',
  'login.failure': 'Sign-in failed',
  'login.lockout': 'Locked out',
  logout: 'Signed out',
  'two-factor.enable': 'Two-factor turned on',
  'two-factor.disable': 'Two-factor turned off',
  'two-factor.reset': 'Two-factor reset',
  'two-factor.failure': 'Wrong two-factor code',
  'two-factor.recovery-code': 'Recovery code used',
  'session.revoke': 'Sessions ended',
  'api-token.create': 'API token created',
  'api-token.revoke': 'API token revoked',
  'address.unlock': 'Address unlocked',
};

/** "User updated" for user.update; an action the console does not know yet shows as it is. */
export const actionLabel = (action: string): string => (isAuditAction(action) ? ACTION_LABELS[action] : action);

const TARGET_LABELS: Record<AuditTarget, string> = { user: 'User', client: 'Client', ticket: 'Ticket' };
export const targetLabel = (type: string): string => (isAuditTarget(type) ? TARGET_LABELS[type] : type);

/** The console page of a target ("/users/5"), or null for a type it has no page for. */
export function targetHref(type: string | null, id: string | null): string | null {
  if (!type || !id || !isAuditTarget(type)) return null;
  return `/${type}s/${id}`;
}

// ---------------------------------------------------------------------------------------------
// Filters and page, as they travel in the URL: /audit?action=user.update&actor=3&target=user:5
//   &from=2026-01-02T09:00:00.000Z&to=…&page=2 (the times in UTC, so a shared link means the same
//   moment everywhere; the inputs show them in the browser's time zone).

export interface AuditListParams {
  action: AuditAction | null;
  actorId: string | null;
  targetType: AuditTarget | null;
  targetId: string | null;
  /** ISO date-times (UTC), inclusive. */
  from: string | null;
  to: string | null;
  page: number;
}

export const AUDIT_PER_PAGE = 25;
export const NO_AUDIT_FILTERS: AuditListParams = { action: null, actorId: null, targetType: null, targetId: null, from: null, to: null, page: 1 };

export const isPositiveId = (value: string): boolean => /^[1-9]\d{0,17}$/.test(value);

function readTime(value: string | null): string | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** What the URL says; anything it does not understand is left out rather than sent to the API. */
export function readAuditParams(url: URL): AuditListParams {
  const get = (name: string) => url.searchParams.get(name);
  const page = Number(get('page') ?? '1');
  const action = get('action') ?? '';
  const actor = get('actor') ?? '';
  const [type = '', id = ''] = (get('target') ?? '').split(':', 2);
  const targetType = isAuditTarget(type) ? type : null;
  return {
    action: isAuditAction(action) ? action : null,
    actorId: isPositiveId(actor) ? actor : null,
    targetType,
    targetId: targetType && isPositiveId(id) ? id : null,
    from: readTime(get('from')),
    to: readTime(get('to')),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function auditHref(params: Partial<AuditListParams>): string {
  const search = new URLSearchParams();
  if (params.action) search.set('action', params.action);
  if (params.actorId) search.set('actor', params.actorId);
  if (params.targetType) search.set('target', params.targetId ? `${params.targetType}:${params.targetId}` : params.targetType);
  if (params.from) search.set('from', params.from);
  if (params.to) search.set('to', params.to);
  if (params.page && params.page > 1) search.set('page', String(params.page));
  const text = search.toString();
  // Keep ":" readable in target=user:5.
  return `/audit${text ? `?${text.replaceAll('%3A', ':')}` : ''}`;
}

export const hasAuditFilters = (params: AuditListParams): boolean =>
  params.action !== null || params.actorId !== null || params.targetType !== null || params.from !== null || params.to !== null;

/** The auditLog query's variables for these params. */
export function auditVariables(params: AuditListParams) {
  return {
    action: params.action,
    actorId: params.actorId,
    targetType: params.targetType,
    targetId: params.targetId,
    from: params.from,
    to: params.to,
    skip: (params.page - 1) * AUDIT_PER_PAGE,
    limit: AUDIT_PER_PAGE,
  };
}

/** A problem with the time range that the API would refuse; null when there is none. */
export function rangeProblem(params: Pick<AuditListParams, 'from' | 'to'>): string | null {
  return params.from && params.to && params.from > params.to ? 'From must not be after To.' : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a `datetime-local` input shows it: the browser's local time, to the minute. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/**
 * A `datetime-local` value (local time, to the minute) as an ISO time. `end`: the last moment of
 * that minute, so that "To 10:15" includes what happened at 10:15:40.
 */
export function localInputToIso(value: string, edge: 'start' | 'end' = 'start'): string | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value)) return null;
  const t = new Date(value); // no zone: local time, per ECMAScript
  if (Number.isNaN(t.getTime())) return null;
  if (edge === 'end') t.setSeconds(59, 999);
  return t.toISOString();
}

export interface AuditFilterForm {
  action: string;
  actor: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}

export function filterFormOf(params: AuditListParams): AuditFilterForm {
  return {
    action: params.action ?? '',
    actor: params.actorId ?? '',
    targetType: params.targetType ?? '',
    targetId: params.targetId ?? '',
    from: isoToLocalInput(params.from),
    to: isoToLocalInput(params.to),
  };
}

export type AuditFilterErrors = Partial<Record<keyof AuditFilterForm, string>>;

/** The filter form as the list's params (page 1), or what is wrong with it, field by field. */
export function paramsOfFilterForm(form: AuditFilterForm): { ok: true; params: AuditListParams } | { ok: false; errors: AuditFilterErrors } {
  const errors: AuditFilterErrors = {};
  const actor = form.actor.trim();
  const targetId = form.targetId.trim();
  if (actor && !isPositiveId(actor)) errors.actor = 'A user id is a whole number, such as 12.';
  if (targetId && !isPositiveId(targetId)) errors.targetId = 'An id is a whole number, such as 12.';
  else if (targetId && !isAuditTarget(form.targetType)) errors.targetType = 'Choose the type of the target.';
  const from = form.from ? localInputToIso(form.from, 'start') : null;
  const to = form.to ? localInputToIso(form.to, 'end') : null;
  if (form.from && !from) errors.from = 'Not a date and time.';
  if (form.to && !to) errors.to = 'Not a date and time.';
  if (from && to && from > to) errors.to = 'To must not be before From.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    params: {
      action: isAuditAction(form.action) ? form.action : null,
      actorId: actor || null,
      targetType: isAuditTarget(form.targetType) ? form.targetType : null,
      targetId: targetId || null,
      from,
      to,
      page: 1,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Change summaries: { name: { from: 'Ada', to: 'Ada L.' }, password: 'changed' } →
//   ['name: Ada → Ada L.', 'password changed'].

export interface SummaryContext {
  /** A client's name by id, for clientId and clientIds; unknown ids show as "#id". */
  clientName?: (id: string) => string | undefined;
  /** How a date-time value shows (lockout ends). */
  formatTime?: (iso: string) => string;
}

const FIELD_LABELS: Record<string, string> = {
  clientIds: 'clients',
  clientId: 'client',
  notificationPreferences: 'notifications',
  lockedOut: 'locked out',
  until: 'until',
};

const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

const ROLE_LABELS: Record<string, string> = { ADMIN: 'Admin', USER: 'User' };
/** A ticket's status (OPEN…) or a user's (active…): the audit log records each as its service names it. */
const STATUS_LABELS: Record<string, string> = { OPEN: 'Open', IN_PROGRESS: 'In progress', DONE: 'Done', active: 'Active', invited: 'Invited', suspended: 'Suspended' };
/** What the server records of a secret instead of its value ("password changed", "password chosen"), or of a lockout. */
const VERBS = new Set(['changed', 'chosen', 'lifted']);
const MAX_TEXT = 60;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function text(value: string, context: SummaryContext): string {
  if (ISO_TIME.test(value) && context.formatTime) return context.formatTime(value);
  const oneLine = value.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty)';
  return oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT - 1)}…` : oneLine;
}

function valueText(field: string, value: unknown, context: SummaryContext): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => valueText(field, item, context)).join(', ');
  if (field === 'clientIds' || field === 'clientId') {
    const id = String(value);
    return context.clientName?.(id) ?? `#${id}`;
  }
  if (field === 'roles' && typeof value === 'string') return ROLE_LABELS[value.toUpperCase()] ?? value;
  if (field === 'status' && typeof value === 'string') return STATUS_LABELS[value] ?? value;
  if (field === 'notificationPreferences' && typeof value === 'object') {
    const prefs = value as { email?: unknown; ui?: unknown };
    return [prefs.email === true && 'e-mail', prefs.ui === true && 'in-app'].filter(Boolean).join(', ') || 'none';
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return text(value, context);
  if (typeof value === 'object') return text(JSON.stringify(value), context);
  return String(value);
}

const isFromTo = (value: unknown): value is { from?: unknown; to?: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k === 'from' || k === 'to');

/** One readable line per changed field, in the order the server recorded them. */
export function summarizeChanges(changes: unknown, context: SummaryContext = {}): string[] {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return [];
  return Object.entries(changes as Record<string, unknown>).map(([field, change]) => {
    const label = fieldLabel(field);
    if (typeof change === 'string' && VERBS.has(change)) return `${label} ${change}`;
    if (isFromTo(change)) {
      const hasFrom = 'from' in change;
      const hasTo = 'to' in change;
      if (hasFrom && hasTo) return `${label}: ${valueText(field, change.from, context)} → ${valueText(field, change.to, context)}`;
      if (hasTo) return `${label}: ${valueText(field, change.to, context)}`;
      return `${label} was ${valueText(field, change.from, context)}`;
    }
    return `${label}: ${valueText(field, change, context)}`;
  });
}
