import { ClientsQuery, UserQuery } from '$lib/graphql/operations.js';
import { isAdmin } from '$lib/access.js';
import { loadQuery } from '$lib/load.js';
import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent, url }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  const [{ user }, { clients }] = await Promise.all([loadQuery(UserQuery, { id: params.id }, url), loadQuery(ClientsQuery, {}, url)]);
  return { user, clients };
};
