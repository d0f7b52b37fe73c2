import type { TestServer } from './server.js';

/**
 * The tickets and notifications API over HTTP (schema.graphql: tickets, ticket, createTicket,
 * updateTicket, deleteTicket, notifications, markNotificationsRead), for the tests of the wire.
 */
export const TICKET_FIELDS = 'id title description status client { id name } createdBy { id name clients { id } } createdAt updatedAt';
export const TICKETS = `query($clientId: ID, $status: TicketStatus, $skip: Int, $limit: Int) {
  tickets(clientId: $clientId, status: $status, skip: $skip, limit: $limit) { total skip limit items { ${TICKET_FIELDS} } }
}`;
export const TICKET = `query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} } }`;
export const CREATE_TICKET = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET_FIELDS} } }`;
export const UPDATE_TICKET = `mutation($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { ${TICKET_FIELDS} } }`;
export const DELETE_TICKET = 'mutation($id: ID!) { deleteTicket(id: $id) }';
export const DELETE_CLIENT = 'mutation($id: ID!) { deleteClient(id: $id) }';
export const DELETE_USER = 'mutation($id: ID!) { deleteUser(id: $id) }';
export const UPDATE_USER = 'mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }';
export const NOTIFICATIONS = `query($unreadOnly: Boolean, $skip: Int, $limit: Int) {
  notifications(unreadOnly: $unreadOnly, skip: $skip, limit: $limit) {
    total unread skip limit items { id message createdAt readAt ticket { id title status client { id } } }
  }
}`;
export const MARK_READ = 'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }';

export const TICKET_NOT_FOUND = 'The ticket with this id does not exist in the system';

export interface TicketJson {
  id: string;
  title: string;
  description: string;
  status: 'OPEN' | 'IN_PROGRESS' | 'DONE';
  client: { id: string; name: string };
  createdBy: { id: string; name: string; clients: { id: string }[] } | null;
  createdAt: string;
  updatedAt: string;
}
export interface TicketPageJson {
  total: number;
  skip: number;
  limit: number;
  items: TicketJson[];
}
export interface NotificationJson {
  id: string;
  message: string;
  createdAt: string;
  readAt: string | null;
  ticket: { id: string; title: string; status: string; client: { id: string } } | null;
}
export interface NotificationPageJson {
  total: number;
  unread: number;
  skip: number;
  limit: number;
  items: NotificationJson[];
}

export type Res = Awaited<ReturnType<TestServer['gql']>>;
export const codeOf = (res: Res) => res.errors?.[0]?.extensions.code;
export const ids = (list: { id: string }[]) => list.map((t) => t.id);
export const byIdDesc = (list: string[]) => [...list].sort((a, b) => Number(b) - Number(a));

let sequence = 0;
export const uniqueTitle = (label = 'Ticket') => `${label} ${process.pid}-${++sequence}`;

/** The operations as one caller makes them, bound to one server. */
export function api(server: TestServer) {
  return {
    async createTicket(token: string, clientId: number | string, title = uniqueTitle(), description?: string): Promise<TicketJson> {
      const input: Record<string, unknown> = { clientId: String(clientId), title };
      if (description !== undefined) input.description = description;
      const res = await server.gql<{ createTicket: TicketJson }>(CREATE_TICKET, { input }, token);
      if (!res.data?.createTicket) throw new Error(`createTicket failed: ${JSON.stringify(res.errors)}`);
      return res.data.createTicket;
    },
    tickets: (token: string | undefined, variables: Record<string, unknown> = {}) => server.gql<{ tickets: TicketPageJson }>(TICKETS, variables, token),
    ticket: (token: string | undefined, id: string | number) => server.gql<{ ticket: TicketJson }>(TICKET, { id: String(id) }, token),
    update: (token: string | undefined, id: string | number, input: Record<string, unknown>) =>
      server.gql<{ updateTicket: TicketJson }>(UPDATE_TICKET, { id: String(id), input }, token),
    remove: (token: string | undefined, id: string | number) => server.gql<{ deleteTicket: string }>(DELETE_TICKET, { id: String(id) }, token),
    async notifications(token: string, variables: Record<string, unknown> = {}): Promise<NotificationPageJson> {
      const res = await server.gql<{ notifications: NotificationPageJson }>(NOTIFICATIONS, variables, token);
      if (!res.data?.notifications) throw new Error(`notifications failed: ${JSON.stringify(res.errors)}`);
      return res.data.notifications;
    },
    async markRead(token: string, notificationIds: string[]): Promise<number> {
      const res = await server.gql<{ markNotificationsRead: number }>(MARK_READ, { ids: notificationIds }, token);
      if (res.data?.markNotificationsRead === undefined || res.data?.markNotificationsRead === null) {
        throw new Error(`markNotificationsRead failed: ${JSON.stringify(res.errors)}`);
      }
      return res.data.markNotificationsRead;
    },
    /** Every row of the email outbox, oldest first. */
    async outbox(): Promise<{ recipient: string; subject: string; text: string }[]> {
      const rows = await server.db.database.orm.em.getConnection().execute('select recipient, subject, text from outbox_emails order by id');
      return rows as { recipient: string; subject: string; text: string }[];
    },
  };
}

/** The console link for a ticket, matched so that /tickets/1 does not also match /tickets/12. */
export const linkPattern = (id: string) => new RegExp(`http://console\\.test/tickets/${id}(?!\\d)`);
