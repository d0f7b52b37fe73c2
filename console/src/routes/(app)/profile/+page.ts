import { ClientsQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, parent }) => {
  const [{ me }, { clients }] = await Promise.all([parent(), loadQuery(ClientsQuery, {}, url)]);
  return { me, clients };
};
