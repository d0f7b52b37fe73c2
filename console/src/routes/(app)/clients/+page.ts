import { ClientsQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

/** Admins: every client; users: the clients on their list (the server decides which). */
export const load: PageLoad = async ({ url }) => {
  const { clients } = await loadQuery(ClientsQuery, {}, url);
  return { clients };
};
