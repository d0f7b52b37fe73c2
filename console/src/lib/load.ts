import { error, redirect } from '@sveltejs/kit';
import type { AnyVariables, DocumentInput } from '@urql/core';
import type { Problem } from './errors.js';
import { query } from './graphql/client.js';
import { signInHref, twoFactorSetupHref } from './next.js';
import { isTwoFactorSetupRequired } from './two-factor.js';

/**
 * A page's data, or the page's failure: a missing row is a 404, a refusal a 403, an ended
 * session a trip back to sign-in. An admin the server refuses until they set up two-factor
 * (TWO_FACTOR_REQUIRED_FOR=admin) goes to Profile's set-up, then back here. Used by +page.ts loads only.
 */
export async function loadQuery<T, V extends AnyVariables>(document: DocumentInput<T, V>, variables: V, url: URL): Promise<T> {
  const result = await query(document, variables);
  if (result.ok) return result.value;
  if (isTwoFactorSetupRequired(result.problem)) redirect(307, twoFactorSetupHref(url));
  fail(result.problem, url);
}

/**
 * For Profile, where the set-up is: null while the server refuses everything else until
 * two-factor is set up (the page then shows the set-up alone).
 */
export async function loadQueryBeforeTwoFactor<T, V extends AnyVariables>(document: DocumentInput<T, V>, variables: V, url: URL): Promise<T | null> {
  const result = await query(document, variables);
  if (result.ok) return result.value;
  if (isTwoFactorSetupRequired(result.problem)) return null;
  fail(result.problem, url);
}

function fail(problem: Problem, url: URL): never {
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
