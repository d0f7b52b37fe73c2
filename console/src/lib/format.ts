import type { Role, TicketStatus, UserStatus } from './graphql/operations.js';

export function roleLabel(role: Role): string {
  switch (role) {
    case 'ADMIN':
      return 'Admin';
    case 'USER':
      return 'User';
    default: {
      const unknown: never = role;
      return String(unknown);
    }
  }
}

/** A user's status as the console names it (the badge on the list and on their page). */
export function userStatusLabel(status: UserStatus): string {
  switch (status) {
    case 'ACTIVE':
      return 'Active';
    case 'INVITED':
      return 'Invited';
    case 'SUSPENDED':
      return 'Suspended';
    default: {
      const unknown: never = status;
      return String(unknown);
    }
  }
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string | null): string => (iso ? dateTimeFormat.format(new Date(iso)) : 'Never');
const timestampFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
/** To the second, for the audit log. */
export const formatTimestamp = (iso: string): string => timestampFormat.format(new Date(iso));
const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
/** "09:55:33" */
export const formatClock = (iso: string): string => clockFormat.format(new Date(iso));

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

/** In the order work goes through them. */
export { TICKET_STATUSES } from '$server/domain/tickets.js';

export function statusLabel(status: TicketStatus): string {
  switch (status) {
    case 'OPEN':
      return 'Open';
    case 'IN_PROGRESS':
      return 'In progress';
    case 'DONE':
      return 'Done';
    default: {
      const unknown: never = status;
      return String(unknown);
    }
  }
}

const relativeFormat = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });

/** "3 minutes ago", "yesterday"; past a week, the date. */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relativeFormat.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso);
}
