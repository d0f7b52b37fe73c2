import { ClientsQuery, TicketsQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import { TICKETS_PER_PAGE, readTicketListParams } from '$lib/tickets.js';
import type { PageLoad } from './$types';

/**
 * Tickets of the clients the caller may see (admins: all), filtered by client and status, a page
 * at a time; and those clients, for the filter and the create form. The server decides both.
 */
export const load: PageLoad = async ({ url }) => {
  const params = readTicketListParams(url);
  const [{ tickets }, { clients }] = await Promise.all([
    loadQuery(TicketsQuery, { clientId: params.clientId, status: params.status, skip: (params.page - 1) * TICKETS_PER_PAGE, limit: TICKETS_PER_PAGE }, url),
    loadQuery(ClientsQuery, {}, url),
  ]);
  return { tickets, clients, params };
};
