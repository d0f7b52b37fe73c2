import { redirect } from '@sveltejs/kit';
import { sentence } from '$lib/errors.js';
import { safeNext } from '$lib/next.js';
import { loadSession, session } from '$lib/session.svelte.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url }) => {
  const state = await loadSession();
  const next = safeNext(url.searchParams.get('next'));
  if (state.kind === 'signed-in') redirect(307, next);
  // Why the session ended, when it did: the API's words if this page just heard them.
  const ended = url.searchParams.has('ended') || (state.kind === 'signed-out' && state.ended !== null) ? sentence(session.ended ?? 'Your session has ended; sign in again') : null;
  return { next, ended };
};
