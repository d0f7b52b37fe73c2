import { isAdmin } from '$lib/access.js';
import { ClientQuery, UsersQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

/** A client, and for admins the users who have it on their access list. */
export const load: PageLoad = async ({ params, parent, url }) => {
  const { me } = await parent();
  const [{ client }, access] = await Promise.all([
    loadQuery(ClientQuery, { id: params.id }, url),
    isAdmin(me) ? loadQuery(UsersQuery, { clientId: params.id, orderBy: 'NAME', limit: 1000 }, url) : Promise.resolve(null),
  ]);
  return { client, access: access?.users ?? null };
};
