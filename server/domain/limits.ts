/** The input limits (README: Using the API; schema.graphql). The console may import these to pre-check. */
export const NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
/** Bytes in UTF-8, like the maximum (8 to 72 bytes). */
export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt ignores bytes past 72, so a longer password is refused rather than silently cut. */
export const PASSWORD_MAX_BYTES = 72;
export const SEARCH_MAX_LENGTH = 254;

/** Login throttling (TOO_MANY_REQUESTS; README: Security): failures counted per email in a sliding window. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Failures from one network address in the window (password spraying across many emails): more are refused until the oldest leaves it. */
export const LOGIN_MAX_FAILURES_PER_SOURCE = 100;
/** A guess is counted while its secret is being checked; one whose check never finished (a crash) stops counting after this. */
export const LOGIN_ATTEMPT_IN_FLIGHT_MS = 60 * 1000;
/** The first lockout lasts the window; each further one within a day lasts twice the one before. */
export const LOGIN_LOCKOUT_BASE_MS = LOGIN_FAILURE_WINDOW_MS;
export const LOGIN_LOCKOUT_MAX_MS = 24 * 60 * 60 * 1000;
/** A lockout that ended longer ago than this no longer makes the next one longer. */
export const LOGIN_LOCKOUT_MEMORY_MS = 24 * 60 * 60 * 1000;

/** How long a sign-in may wait between its password and its second factor's code. */
export const TWO_FACTOR_CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** Password-reset emails sent to one address in an hour, at most (more requests are answered the same, and send nothing). */
export const PASSWORD_RESETS_PER_HOUR = 3;

/** A session's lastSeenAt is written at most this often (by the first request that finds it older). */
export const SESSION_LAST_SEEN_INTERVAL_MS = 60 * 1000;
/** An API token's lastUsedAt is written at most this often. */
export const API_TOKEN_LAST_USED_INTERVAL_MS = 60 * 1000;
/** An API token's lifetime when one is given (expiresInDays): 1 day to 10 years. */
export const API_TOKEN_MAX_DAYS = 3650;
/** API tokens a user may hold at once (not revoked, not expired): a script's leak is one to revoke, not one of thousands. */
export const API_TOKENS_PER_USER = 100;

/** What is kept of a sign-in's User-Agent header, and of a network address. */
export const USER_AGENT_MAX_LENGTH = 300;
export const ADDRESS_MAX_LENGTH = 64;

/** Rows in one bulk import of users (README: Bulk import and export): a larger file is refused whole; split it. */
export const IMPORT_MAX_ROWS = 10_000;
/** The largest import file, in bytes of UTF-8: 10,000 rows of 400 bytes. */
export const IMPORT_MAX_BYTES = 4 * 1024 * 1024;
/**
 * The largest request the HTTP edge and the control socket read: an import file of the largest
 * size once JSON has escaped it (a quote or a line break doubles), with room for the rest.
 */
export const REQUEST_MAX_BYTES = 2 * IMPORT_MAX_BYTES + 1024 * 1024;
