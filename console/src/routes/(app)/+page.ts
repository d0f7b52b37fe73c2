import { redirect } from '@sveltejs/kit';
import { isAdmin } from '$lib/access.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  redirect(307, isAdmin(me) ? '/users' : '/profile');
};
