import { TicketQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

/** One ticket; another client's is FORBIDDEN and a missing one NOT_FOUND, as the server says. */
export const load: PageLoad = async ({ params, url }) => {
  const { ticket } = await loadQuery(TicketQuery, { id: params.id }, url);
  return { ticket };
};
