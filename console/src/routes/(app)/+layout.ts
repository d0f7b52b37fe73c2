import { error, redirect } from '@sveltejs/kit';
import { signInHref } from '$lib/next.js';
import { loadSession } from '$lib/session.svelte.js';
import type { LayoutLoad } from './$types';

/** Every page inside needs a session: without one, back to sign-in (saying why, when it ended). */
export const load: LayoutLoad = async ({ url }) => {
  const state = await loadSession();
  if (state.kind === 'signed-out') redirect(307, signInHref(url, state.ended !== null));
  if (state.kind === 'unavailable') error(503, { message: state.problem.message, code: state.problem.code });
  return { me: state.user };
};
