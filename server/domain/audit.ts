/** What the audit log records (README: Security, Audit log): names that scripts filter on, so they stay. */
export const AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.delete',
  'user.unlock',
  'user.invite',
  'user.invitation.resend',
  'user.invitation.accept',
  'user.password.reset-request',
  'user.password.reset',
  'user.suspend',
  'user.reactivate',
  'user.import',
  'client.create',
  'client.update',
  'client.delete',
  'ticket.create',
  'ticket.update',
  'ticket.delete',
  'login.success',
  'login.failure',
  'login.lockout',
  'logout',
  'two-factor.enable',
  'two-factor.disable',
  'two-factor.reset',
  'two-factor.failure',
  'two-factor.recovery-code',
  'session.revoke',
  'api-token.create',
  'api-token.revoke',
  'address.unlock',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_CHANNELS = ['api', 'console', 'cli'] as const;
/** Where a change came from: a script or app using the API, the admin console, or the operator's CLI. */
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

export type AuditTarget = 'user' | 'client' | 'ticket';

export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);

/** Field → { from, to }: what an update changed. Secrets are never in it. */
export type AuditChanges = Record<string, { from?: unknown; to?: unknown } | string>;

/** The fields whose values differ between two snapshots, as from/to pairs. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): AuditChanges {
  const changes: AuditChanges = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    // A field only on one side was created (to) or removed (from): no null stands in for the other.
    if (!(key in before) || before[key] === undefined) changes[key] = { to: after[key] };
    else if (!(key in after) || after[key] === undefined) changes[key] = { from: before[key] };
    else changes[key] = { from: before[key], to: after[key] };
  }
  return changes;
}

/** A user's fields as the audit log records them (never the password or its hash); client ids sorted. */
export function userAuditSnapshot(user: {
  name: string;
  email: string;
  roles: readonly string[];
  clientIds: readonly number[] | undefined;
  notificationPreferences: { email: boolean; ui: boolean };
}): Record<string, unknown> {
  return {
    name: user.name,
    email: user.email,
    roles: [...user.roles],
    clientIds: user.clientIds === undefined ? undefined : [...user.clientIds].sort((a, b) => a - b),
    notificationPreferences: { ...user.notificationPreferences },
  };
}
