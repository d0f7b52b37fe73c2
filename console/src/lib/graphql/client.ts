import { Client, fetchExchange, mapExchange, type AnyVariables, type DocumentInput, type OperationResult } from '@urql/core';
import { toProblem, type Problem } from '../errors.js';

/** `kind`: a query's page load redirects by itself (lib/load.ts); a mutation's page cannot. */
type SessionEndedListener = (problem: Problem, kind: 'query' | 'mutation') => void;
let onSessionEnded: SessionEndedListener = () => {};

/** Called by the session module: what to do when the API says the session is over. */
export function whenSessionEnds(listener: SessionEndedListener): void {
  onSessionEnded = listener;
}

/**
 * The console's one urql client. The session travels in the httpOnly cookie that login sets (the
 * console never sees the token). Queries are POSTed as JSON, which Apollo's CSRF prevention
 * accepts; nothing is cached, so every page shows what the server has now.
 */
export const client = new Client({
  url: '/graphql',
  preferGetMethod: false,
  requestPolicy: 'network-only',
  fetchOptions: { credentials: 'same-origin', headers: { 'apollo-require-preflight': 'true', 'x-tracker-client': 'console' } },
  exchanges: [
    mapExchange({
      onError(error, operation) {
        const problem = toProblem(error);
        // A failed login is a wrong password (a refused second step, a wrong code), not an ended session; `me` is read by the session itself.
        const name = operation.query.definitions.find((d) => d.kind === 'OperationDefinition')?.name?.value;
        if (problem.code === 'UNAUTHENTICATED' && !SIGNING_IN.has(name ?? '')) onSessionEnded(problem, operation.kind === 'mutation' ? 'mutation' : 'query');
      },
    }),
    fetchExchange,
  ],
});

/** Operations whose UNAUTHENTICATED says nothing about a session: there is none yet. */
const SIGNING_IN = new Set(['Login', 'VerifyTwoFactor', 'Me']);

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

function outcome<T>(result: OperationResult<T>): Outcome<T> {
  if (result.error || !result.data) return { ok: false, problem: toProblem(result.error) };
  return { ok: true, value: result.data };
}

export async function query<T, V extends AnyVariables>(document: DocumentInput<T, V>, variables: V): Promise<Outcome<T>> {
  return outcome(await client.query(document, variables).toPromise());
}

export async function mutate<T, V extends AnyVariables>(document: DocumentInput<T, V>, variables: V): Promise<Outcome<T>> {
  return outcome(await client.mutation(document, variables).toPromise());
}
