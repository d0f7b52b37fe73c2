import { describe, expect, it } from 'vitest';
import { LINK_INVALID, PASSWORD_RULE, RESET_REQUESTED, confirmationProblem, linkRefusal, readLinkToken } from '../../console/src/lib/account.js';
import { toProblem } from '../../console/src/lib/errors.js';
import { userFormProblem, USER_FORM_FIELDS, INVITE_FORM_FIELDS, reactivatedMessage } from '../../console/src/lib/users.js';
import { MESSAGES } from '../../server/domain/errors.js';
import { checkPassword } from '../../server/domain/validation.js';

/** The pages the emailed links open, and the user forms' refusals (console/src/lib/account.ts, users.ts): pure, no browser. */

/** A refusal as urql hands it over: a CombinedError's GraphQL errors. */
const refused = (code: string, message: string, fields?: Record<string, string>) => toProblem({ message, graphQLErrors: [{ message, extensions: { code, ...(fields ? { fields } : {}) } }] });

describe('an emailed link', () => {
  it('carries its token in ?token=, and a link without one has none', () => {
    expect(readLinkToken(new URL('http://x/accept-invite?token=abc_DEF-123'))).toBe('abc_DEF-123');
    expect(readLinkToken(new URL('http://x/accept-invite'))).toBeNull();
    expect(readLinkToken(new URL('http://x/reset-password?token=%20'))).toBeNull();
  });

  it('that does not work is told in the server’s own words, whichever way the page learns it', () => {
    const problem = refused('BAD_USER_INPUT', 'The input is not valid (token: This link is invalid or has expired)', { token: MESSAGES.linkInvalid });
    expect(linkRefusal(problem)).toEqual({ kind: 'link', message: 'This link is invalid or has expired.' });
    expect(LINK_INVALID).toBe('This link is invalid or has expired.');
  });

  it('shows a refused password beside its field, and anything else as the server says it', () => {
    const problem = refused('BAD_USER_INPUT', 'x', { password: 'must be at least 8 bytes in UTF-8 (8 plain letters)' });
    expect(linkRefusal(problem)).toEqual({ kind: 'password', message: 'Must be at least 8 bytes in UTF-8 (8 plain letters).' });
    expect(linkRefusal(refused('TOO_MANY_REQUESTS', 'Too many attempts'))).toEqual({ kind: 'other', message: 'Too many attempts' });
  });
});

describe('a new password', () => {
  it('states the server’s rule: 8 to 72 bytes', () => {
    expect(PASSWORD_RULE).toMatch(/^8 to 72 bytes/);
    // The rule as stated is the rule as checked.
    expect(checkPassword('a'.repeat(7)).ok).toBe(false);
    expect(checkPassword('a'.repeat(8)).ok).toBe(true);
    expect(checkPassword('a'.repeat(72)).ok).toBe(true);
    expect(checkPassword('a'.repeat(73)).ok).toBe(false);
  });

  it('must be typed twice alike; whether it will do is left to the server', () => {
    expect(confirmationProblem({ password: 'a long passphrase', confirm: 'a long passphrase' })).toBeNull();
    expect(confirmationProblem({ password: 'a long passphrase', confirm: 'a long passphrasE' })).toBe('The two passwords are not the same.');
    expect(confirmationProblem({ password: 'a long passphrase', confirm: '' })).toBe('Type the password again to confirm it.');
    expect(confirmationProblem({ password: 'short', confirm: 'short' })).toBeNull();
  });

  it('after “Forgot password?”, is asked for with the same words whatever the address', () => {
    expect(RESET_REQUESTED).toBe('If an account exists for that address, an email is on its way.');
  });
});

describe('a refused user form', () => {
  it('puts each field’s problem beside it, and what no field shows above the form', () => {
    const problem = refused('BAD_USER_INPUT', 'x', { name: 'must not be empty', password: 'must be at least 8 bytes in UTF-8', avatar: 'not supported here' });
    expect(userFormProblem(problem, INVITE_FORM_FIELDS)).toEqual({ fields: { name: 'Must not be empty.' }, failure: '3 fields need attention. password: Must be at least 8 bytes in UTF-8. avatar: Not supported here.' });
    expect(userFormProblem(problem, USER_FORM_FIELDS).fields).toEqual({ name: 'Must not be empty.', password: 'Must be at least 8 bytes in UTF-8.' });
  });

  it('shows a taken email beside Email, though ALREADY_EXISTS names no field', () => {
    expect(userFormProblem(refused('ALREADY_EXISTS', MESSAGES.emailTaken), INVITE_FORM_FIELDS)).toEqual({ fields: { email: MESSAGES.emailTaken }, failure: MESSAGES.emailTaken });
  });

  it('says what a reactivation led to, as the server answered it', () => {
    expect(reactivatedMessage({ name: 'Ada', status: 'ACTIVE' })).toBe('Reactivated Ada: they can sign in again');
    expect(reactivatedMessage({ name: 'Ada', status: 'INVITED' })).toMatch(/^Reactivated Ada: they are invited again/);
  });
});
