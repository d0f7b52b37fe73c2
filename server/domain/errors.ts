/**
 * The error codes every caller sees (README: Using the API; cli/output.ts maps them to exit codes).
 * Services throw DomainError with one of these; the edges (GraphQL, CLI) translate them. Messages
 * are for people and safe to show.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LAST_ADMIN',
  'TOO_MANY_REQUESTS',
  'TWO_FACTOR_REQUIRED',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name → what is wrong with it, keyed by the input's own field names. */
export type FieldErrors = Record<string, string>;

export const MESSAGES = {
  badCredentials: 'Incorrect email or password',
  accountSuspended: 'This account is suspended',
  linkInvalid: 'This link is invalid or has expired',
  twoFactorRequired: 'Enter the code of your authenticator app, or a recovery code',
  twoFactorCodeWrong: 'That code is not right: enter the current code of your authenticator app, or an unused recovery code',
  twoFactorChallengeInvalid: 'This sign-in has expired or was completed: sign in again',
  twoFactorSetupFirst: 'Set up two-factor authentication first',
  notInvited: 'This user is not waiting for an invitation: they have already accepted one, or were created with a password',
  signInRequired: 'You must be signed in to do this',
  sessionExpired: 'Your session has expired; sign in again',
  sessionRevoked: 'Your session is no longer valid; sign in again',
  invalidToken: 'The access token is not valid; sign in again',
  apiTokenInvalid: 'This API token is not valid: it is unknown, revoked or expired, or its user is suspended',
  apiTokenNotFound: 'The API token with this id does not exist in the system',
  apiTokenUserNotActive: 'Only an active user can have API tokens',
  userNotFound: 'The user with this id does not exist in the system',
  clientNotFound: 'The client with this id does not exist in the system',
  ticketNotFound: 'The ticket with this id does not exist in the system',
  sessionNotFound: 'The session with this id does not exist in the system',
  emailTaken: 'A user with this email already exists',
  clientNameTaken: 'A client with this name already exists',
  lastAdmin: 'This change would leave the system without an admin: at least one active user must keep the ADMIN role',
  invalidInput: 'The input is not valid',
  databaseUnavailable: 'The database is unavailable; try again shortly',
  internal: 'Internal server error',
} as const;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable details that are safe to publish (e.g. retryAfter seconds). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  constructor(readonly fields: FieldErrors) {
    super('BAD_USER_INPUT', describeFields(fields), { fields });
  }
}

function describeFields(fields: FieldErrors): string {
  const parts = Object.entries(fields).map(([field, problem]) => `${field}: ${problem}`);
  return parts.length > 0 ? `${MESSAGES.invalidInput} (${parts.join('; ')})` : MESSAGES.invalidInput;
}

const NOT_FOUND_MESSAGES = { user: MESSAGES.userNotFound, client: MESSAGES.clientNotFound, ticket: MESSAGES.ticketNotFound, session: MESSAGES.sessionNotFound, apiToken: MESSAGES.apiTokenNotFound } as const;

export const notFound = (what: keyof typeof NOT_FOUND_MESSAGES): DomainError => new DomainError('NOT_FOUND', NOT_FOUND_MESSAGES[what]);

/** FORBIDDEN for a caller without the role (with orSelf: who is not the user concerned either). */
export const roleRequired = (role: string, orSelf = false): DomainError =>
  new DomainError('FORBIDDEN', `This requires the ${role.toUpperCase()} role${orSelf ? ', or must be your own account' : ''}`);

/** FORBIDDEN for a client outside the caller's client access list. */
export const clientNotOnList = (clientId: number): DomainError => new DomainError('FORBIDDEN', `Client ${clientId} is not on your client access list`);

/** FORBIDDEN for a request made with an API token, for what needs a person signed in with their password. */
export const needsSignIn = (what: string): DomainError => new DomainError('FORBIDDEN', `An API token cannot ${what}: sign in with your password to do it`);

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
