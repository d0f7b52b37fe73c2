/** Tickets: the tracked records. Each belongs to one client (README: Tickets and notifications). */
export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'DONE'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}

export const TICKET_TITLE_MAX_LENGTH = 200;
export const TICKET_DESCRIPTION_MAX_LENGTH = 10_000;

/** How a status reads in a message to people. */
export function describeStatus(status: TicketStatus): string {
  switch (status) {
    case 'OPEN':
      return 'open';
    case 'IN_PROGRESS':
      return 'in progress';
    case 'DONE':
      return 'done';
    default: {
      const unknown: never = status;
      throw new Error(`Unknown status ${String(unknown)}`);
    }
  }
}
