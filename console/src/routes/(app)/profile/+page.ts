import { ClientsQuery, MySessionsQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import { currentFirst } from '$lib/sessions.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, parent }) => {
  const [{ me }, { clients }, { mySessions }] = await Promise.all([parent(), loadQuery(ClientsQuery, {}, url), loadQuery(MySessionsQuery, {}, url)]);
  return { me, clients, sessions: currentFirst(mySessions) };
};
