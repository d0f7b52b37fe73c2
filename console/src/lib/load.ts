import { error, redirect } from '@sveltejs/kit';
import type { AnyVariables, DocumentInput } from '@urql/core';
import { query } from './graphql/client.js';
import { signInHref } from './next.js';

/**
 * A page's data, or the page's failure: a missing row is a 404, a refusal a 403, an ended
 * session a trip back to sign-in. Used by +page.ts loads only.
 */
export async function loadQuery<T, V extends AnyVariables>(document: DocumentInput<T, V>, variables: V, url: URL): Promise<T> {
  const result = await query(document, variables);
  if (result.ok) return result.value;
  const { problem } = result;
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      redirect(307, signInHref(url, true));
    case 'NOT_FOUND':
      error(404, { message: problem.message, code: problem.code });
    case 'FORBIDDEN':
      error(403, { message: problem.message, code: problem.code });
    case 'BAD_USER_INPUT':
      error(400, { message: problem.message, code: problem.code });
    default:
      error(problem.code === 'NETWORK' ? 503 : 500, { message: problem.message, code: problem.code });
  }
}
