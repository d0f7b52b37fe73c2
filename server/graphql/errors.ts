import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isConnectionFailure } from '../db/connection-errors.js';
import { MESSAGES, isDomainError } from '../domain/errors.js';

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

export interface ErrorLogger {
  error(message: string, error: unknown): void;
}

/**
 * The one place where errors become what a caller sees. Domain errors keep their code, message
 * and safe details (fields, retryAfter); an unreachable database becomes DATABASE_UNAVAILABLE;
 * anything else is logged with a reference and answered as INTERNAL_SERVER_ERROR with nothing
 * of its stack, SQL or secrets.
 */
export function createErrorFormatter(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    if (isDomainError(original)) {
      return { message: original.message, ...where, extensions: { code: original.code, ...original.details } };
    }
    if (isConnectionFailure(original)) {
      return { message: MESSAGES.databaseUnavailable, ...where, extensions: { code: 'DATABASE_UNAVAILABLE' } };
    }
    const code = formatted.extensions?.code;
    const fromResolver = formatted.path !== undefined && !(original instanceof GraphQLError);
    if (typeof code === 'string' && PROTOCOL_CODES.has(code) && !fromResolver) {
      return { message: formatted.message, ...where, extensions: { code } };
    }
    const reference = randomUUID();
    logger.error(`Internal error ${reference}`, original);
    return { message: `${MESSAGES.internal} (reference ${reference})`, ...where, extensions: { code: 'INTERNAL_SERVER_ERROR', reference } };
  };
}
