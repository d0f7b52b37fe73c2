import { redirect } from '@sveltejs/kit';
import { isAdmin } from '$lib/access.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  return {};
};
