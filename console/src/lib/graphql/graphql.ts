import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.js';

/**
 * Typed GraphQL documents: results and variables are inferred from schema.graphql (through
 * graphql-env.d.ts, which `npm run check:console` regenerates), so a schema change that breaks an
 * operation fails the type check.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; ID: string };
  // Fragments only share field lists here; every page reads whole results.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
