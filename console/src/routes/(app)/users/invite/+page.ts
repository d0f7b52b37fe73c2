import { redirect } from '@sveltejs/kit';
import { isAdmin } from '$lib/access.js';
import { ClientsQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  const { clients } = await loadQuery(ClientsQuery, {}, url);
  return { clients };
};
