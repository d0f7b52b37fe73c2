/** Limits of the contract (§1 Validation). The console may import these to pre-check. */
export const NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
/** Bytes in UTF-8, like the maximum (CONTRACT.md: 8 to 72 bytes). */
export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt ignores bytes past 72, so a longer password is refused rather than silently cut. */
export const PASSWORD_MAX_BYTES = 72;
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;
export const SEARCH_MAX_LENGTH = 254;

/** Login throttling (§1 Errors, TOO_MANY_REQUESTS): failures counted per email in a sliding window. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
