// Relative rather than $server/…: the unit tests (tests/console-unit) import this module without SvelteKit's aliases.
import { MESSAGES } from '../../../server/domain/errors.js';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../../../server/domain/limits.js';
import type { Problem } from './errors.js';
import { mutate } from './graphql/client.js';
import { RequestPasswordResetMutation, ResetPasswordMutation } from './graphql/operations.js';

/**
 * The pages an emailed link opens (accept an invitation, reset a password) and "Forgot password?".
 * The server decides whether a link works and whether a password will do; this only asks it, and
 * says what it answered. (Accepting an invitation signs in, so it lives in session.svelte.ts.)
 */

/** The password rule as the server states it (server/domain/validation.ts: checkPassword). */
export const PASSWORD_RULE = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_BYTES} bytes: at least ${PASSWORD_MIN_LENGTH} plain letters (an accented letter or an emoji takes 2 to 4 bytes).`;

/** The server's words for a link that does not work, shown as they are even before asking it (a link with no token at all). */
export const LINK_INVALID = `${MESSAGES.linkInvalid}.`;

/** What the message always says after "Forgot password?", whether or not the address has an account. */
export const RESET_REQUESTED = 'If an account exists for that address, an email is on its way.';

/** The token of an emailed link (`?token=…`), or null when the link has none. */
export function readLinkToken(url: URL): string | null {
  const token = url.searchParams.get('token')?.trim() ?? '';
  return token === '' ? null : token;
}

export interface NewPassword {
  password: string;
  confirm: string;
}

/**
 * The one check that is the console's own: the server never sees the confirmation, so only here
 * can a typing slip be caught. Whether the password itself will do is the server's to say.
 */
export function confirmationProblem(form: NewPassword): string | null {
  if (form.confirm === '') return 'Type the password again to confirm it.';
  return form.password === form.confirm ? null : 'The two passwords are not the same.';
}

/**
 * The server's answer to a link's password, as the page shows it: the link itself refused
 * (BAD_USER_INPUT naming `token`: unknown, expired, used or superseded), or a problem with the
 * password, beside its field, or anything else as it is.
 */
export type LinkRefusal = { kind: 'link'; message: string } | { kind: 'password'; message: string } | { kind: 'other'; message: string };

export function linkRefusal(problem: Problem): LinkRefusal {
  if (problem.fields.token) return { kind: 'link', message: problem.fields.token };
  if (problem.fields.password) return { kind: 'password', message: problem.fields.password };
  return { kind: 'other', message: problem.message };
}

/** Always true, at once: the answer tells nothing about whether the address has an account. */
export function requestPasswordReset(email: string) {
  return mutate(RequestPasswordResetMutation, { email });
}

/** Sets the new password and ends every session of the account; signs nobody in. */
export function resetPassword(token: string, password: string) {
  return mutate(ResetPasswordMutation, { token, password });
}
