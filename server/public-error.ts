import { randomUUID } from 'node:crypto';
import { isConnectionFailure } from './db/connection-errors.js';
import { MESSAGES, isDomainError, type ErrorCode } from './domain/errors.js';
import { currentRequestId } from './request-scope.js';

/** An error as it may be shown to a caller: an error code (domain/errors.ts), a message for people, safe details. */
export interface PublicError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export interface InternalErrorLog {
  error(message: string, error: unknown): void;
}

/**
 * Every edge (GraphQL, the operator's control socket, the CLI) turns failures into what a caller
 * sees here: domain errors keep code, message and details; an unreachable database is
 * DATABASE_UNAVAILABLE; anything else is logged with a reference and shown only as that reference:
 * the request's id (X-Request-Id) when there is a request, so that the caller, the log and the
 * proxy's access log all name the same one.
 */
export function toPublicError(error: unknown, log: InternalErrorLog): PublicError {
  if (isDomainError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
  if (isConnectionFailure(error)) return { code: 'DATABASE_UNAVAILABLE', message: MESSAGES.databaseUnavailable, details: {} };
  const reference = currentRequestId() ?? randomUUID();
  log.error(`Internal error ${reference}`, error);
  return { code: 'INTERNAL_SERVER_ERROR', message: `${MESSAGES.internal} (reference ${reference})`, details: { reference } };
}
