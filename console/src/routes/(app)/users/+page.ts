import { redirect } from '@sveltejs/kit';
import { isAdmin } from '$lib/access.js';
import { UsersQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import { USERS_PER_PAGE, readUserListParams } from '$lib/users.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  const params = readUserListParams(url);
  const { users } = await loadQuery(
    UsersQuery,
    { skip: (params.page - 1) * USERS_PER_PAGE, limit: USERS_PER_PAGE, search: params.search || null, orderBy: params.orderBy, direction: params.direction, status: params.status },
    url,
  );
  return { users, params };
};
