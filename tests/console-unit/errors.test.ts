import { describe, expect, it } from 'vitest';
import { NETWORK_MESSAGE, UNKNOWN_MESSAGE, fieldsFor, isSessionProblem, oneFieldProblem, sentence, toProblem } from '../../console/src/lib/errors.js';

/** How the console turns an API failure into what a form shows (console/src/lib/errors.ts). */

const combined = (graphQLErrors: { message: string; extensions?: Record<string, unknown> }[], networkError?: Error) => ({
  message: 'combined',
  graphQLErrors,
  networkError,
});

describe('toProblem', () => {
  it('keeps the API’s message and code', () => {
    expect(toProblem(combined([{ message: 'Incorrect email or password', extensions: { code: 'UNAUTHENTICATED' } }]))).toEqual({
      message: 'Incorrect email or password',
      code: 'UNAUTHENTICATED',
      fields: {},
    });
  });

  it('turns BAD_USER_INPUT fields into sentences keyed by the input’s field names, and summarizes them', () => {
    const problem = toProblem(
      combined([
        {
          message: 'The input is not valid (name: must not be empty; email: must be a valid email address)',
          extensions: { code: 'BAD_USER_INPUT', fields: { name: 'must not be empty', email: 'must be a valid email address' } },
        },
      ]),
    );
    expect(problem).toEqual({
      code: 'BAD_USER_INPUT',
      message: '2 fields need attention.',
      fields: { name: 'Must not be empty.', email: 'Must be a valid email address.' },
    });
  });

  it('keeps the message of a BAD_USER_INPUT without fields (a bad argument)', () => {
    expect(toProblem(combined([{ message: 'Variable "$id" got invalid value', extensions: { code: 'BAD_USER_INPUT' } }])).message).toBe('Variable "$id" got invalid value');
  });

  it('says the server could not be reached on a network failure', () => {
    expect(toProblem(combined([], new Error('Failed to fetch')))).toEqual({ message: NETWORK_MESSAGE, code: 'NETWORK', fields: {} });
  });

  it('says something generic about anything else, and never throws', () => {
    expect(toProblem(undefined)).toEqual({ message: UNKNOWN_MESSAGE, code: 'UNKNOWN', fields: {} });
    expect(toProblem(new Error('boom')).code).toBe('UNKNOWN');
    expect(toProblem(combined([{ message: '' }])).code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('fieldsFor', () => {
  it('puts problems beside the fields a form shows, and the rest in the general message', () => {
    const problem = { message: 'x', code: 'BAD_USER_INPUT', fields: { name: 'Too long.', search: 'Too long.' } };
    expect(fieldsFor(problem, ['name', 'email'] as const)).toEqual({ fields: { name: 'Too long.' }, rest: ['search: Too long.'] });
  });
});

describe('sentence', () => {
  it('capitalizes and ends with a full stop, once', () => {
    expect(sentence('is incorrect')).toBe('Is incorrect.');
    expect(sentence('Already fine.')).toBe('Already fine.');
    expect(sentence('')).toBe('');
  });
});

describe('isSessionProblem', () => {
  it('is true for UNAUTHENTICATED only', () => {
    expect(isSessionProblem({ message: '', code: 'UNAUTHENTICATED', fields: {} })).toBe(true);
    expect(isSessionProblem({ message: '', code: 'FORBIDDEN', fields: {} })).toBe(false);
  });
});

describe('toProblem: the second step of sign-in', () => {
  it('keeps TWO_FACTOR_REQUIRED’s challenge, for verifyTwoFactor', () => {
    const problem = toProblem(combined([{ message: 'Enter the code of your authenticator app, or a recovery code', extensions: { code: 'TWO_FACTOR_REQUIRED', challenge: 'c'.repeat(43) } }]));
    expect(problem).toEqual({ code: 'TWO_FACTOR_REQUIRED', message: 'Enter the code of your authenticator app, or a recovery code', fields: {}, challenge: 'c'.repeat(43) });
  });
});

describe('oneFieldProblem', () => {
  it('puts the field’s problem beside it, and nothing above when that says it all', () => {
    const problem = toProblem(combined([{ message: 'The input is not valid (code: is not the current code)', extensions: { code: 'BAD_USER_INPUT', fields: { code: 'is not the current code' } } }]));
    expect(oneFieldProblem(problem, 'code')).toEqual({ field: 'Is not the current code.', failure: null });
  });

  it('keeps another field’s problem above the form', () => {
    const problem = toProblem(combined([{ message: 'invalid', extensions: { code: 'BAD_USER_INPUT', fields: { password: 'is incorrect', other: 'is odd' } } }]));
    expect(oneFieldProblem(problem, 'password')).toEqual({ field: 'Is incorrect.', failure: 'other: Is odd.' });
  });

  it('shows a refusal that names no field above the form', () => {
    const problem = toProblem(combined([{ message: 'An API token cannot change two-factor settings', extensions: { code: 'FORBIDDEN' } }]));
    expect(oneFieldProblem(problem, 'password')).toEqual({ field: undefined, failure: 'An API token cannot change two-factor settings' });
  });
});
