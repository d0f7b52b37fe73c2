import { ClientsQuery, MyApiTokensQuery, MySessionsQuery } from '$lib/graphql/operations.js';
import { loadQueryBeforeTwoFactor } from '$lib/load.js';
import { safeNext } from '$lib/next.js';
import { currentFirst } from '$lib/sessions.js';
import type { PageLoad } from './$types';

/**
 * Profile is where an admin the server refuses until they set up two-factor is sent
 * (lib/load.ts): the server then answers nothing else, and the page shows the set-up alone,
 * with the page they were refused as `next`.
 */
export const load: PageLoad = async ({ url, parent }) => {
  const [{ me }, clients, sessions, tokens] = await Promise.all([
    parent(),
    loadQueryBeforeTwoFactor(ClientsQuery, {}, url),
    loadQueryBeforeTwoFactor(MySessionsQuery, {}, url),
    loadQueryBeforeTwoFactor(MyApiTokensQuery, {}, url),
  ]);
  const setupRequired = !clients || !sessions || !tokens;
  return {
    me,
    setupRequired,
    next: url.searchParams.has('next') ? safeNext(url.searchParams.get('next')) : null,
    clients: clients?.clients ?? [],
    sessions: currentFirst(sessions?.mySessions ?? []),
    apiTokens: tokens?.myApiTokens ?? [],
  };
};
