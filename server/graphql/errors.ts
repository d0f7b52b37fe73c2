import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDomainError } from '../domain/errors.js';
import { toPublicError, type InternalErrorLog } from '../public-error.js';

/** Codes that graphql-js and Apollo give to a malformed request; their messages are safe to show. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one place where GraphQL errors become what a caller sees (extensions.code). Requests that
 * are not valid GraphQL keep graphql-js's and Apollo's own codes and messages; everything else goes
 * through toPublicError, so nothing of a stack, SQL or secret leaves the server.
 */
export function createErrorFormatter(log: InternalErrorLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    const code = formatted.extensions?.code;
    const fromResolver = formatted.path !== undefined && !(original instanceof GraphQLError);
    if (!isDomainError(original) && typeof code === 'string' && PROTOCOL_CODES.has(code) && !fromResolver) {
      return { message: formatted.message, ...where, extensions: { code } };
    }
    const shown = toPublicError(original, log);
    return { message: shown.message, ...where, extensions: { code: shown.code, ...shown.details } };
  };
}
