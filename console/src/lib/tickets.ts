import { mutate } from './graphql/client.js';
import { CreateTicketMutation, DeleteTicketMutation, UpdateTicketMutation, type TicketStatus } from './graphql/operations.js';

/** Tickets, as the console changes them. Which tickets a caller may touch is the server's to say. */

export interface TicketForm {
  clientId: string;
  title: string;
  description: string;
}

/** The create form's fields, named as the API names them in BAD_USER_INPUT. */
export const TICKET_FORM_FIELDS = ['clientId', 'title', 'description'] as const;

export function createTicket(form: TicketForm) {
  return mutate(CreateTicketMutation, { input: { clientId: form.clientId, title: form.title, description: form.description } });
}

export function changeTicketStatus(id: string, status: TicketStatus) {
  return mutate(UpdateTicketMutation, { id, input: { status } });
}

/** A ticket's title and description, edited on its page (the status has its own control). */
export interface TicketDetailsForm {
  title: string;
  description: string;
}
export const TICKET_DETAILS_FIELDS = ['title', 'description'] as const;

export function updateTicketDetails(id: string, form: TicketDetailsForm) {
  return mutate(UpdateTicketMutation, { id, input: { title: form.title, description: form.description } });
}

export function deleteTicket(id: string) {
  return mutate(DeleteTicketMutation, { id });
}

/** The list's filters and page as they travel in the URL, so that a reload or a link keeps them. */
export interface TicketListParams {
  clientId: string | null;
  status: TicketStatus | null;
  page: number;
}

export const TICKETS_PER_PAGE = 20;
const STATUS_PARAMS: Record<string, TicketStatus> = { open: 'OPEN', 'in-progress': 'IN_PROGRESS', done: 'DONE' };

export function readTicketListParams(url: URL): TicketListParams {
  const page = Number(url.searchParams.get('page') ?? '1');
  const client = url.searchParams.get('client');
  return {
    clientId: client && /^\d+$/.test(client) ? client : null,
    status: STATUS_PARAMS[url.searchParams.get('status') ?? ''] ?? null,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function ticketListHref(params: TicketListParams): string {
  const search = new URLSearchParams();
  if (params.clientId) search.set('client', params.clientId);
  const status = Object.entries(STATUS_PARAMS).find(([, value]) => value === params.status)?.[0];
  if (status) search.set('status', status);
  if (params.page > 1) search.set('page', String(params.page));
  const text = search.toString();
  return `/tickets${text ? `?${text}` : ''}`;
}
