import { ApiTokensQuery, ClientsQuery, UserQuery, UserSessionsQuery } from '$lib/graphql/operations.js';
import { isAdmin } from '$lib/access.js';
import { loadQuery } from '$lib/load.js';
import { currentFirst } from '$lib/sessions.js';
import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent, url }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  const [{ user }, { clients }, { userSessions }, { apiTokens }] = await Promise.all([
    loadQuery(UserQuery, { id: params.id }, url),
    loadQuery(ClientsQuery, {}, url),
    loadQuery(UserSessionsQuery, { userId: params.id }, url),
    loadQuery(ApiTokensQuery, { userId: params.id }, url),
  ]);
  return { user, clients, sessions: currentFirst(userSessions), apiTokens };
};
