import { describe, expect, it } from 'vitest';
import { expiresInDaysOf, isExpired, revokedMessage } from '../../console/src/lib/api-tokens.js';

/** API tokens in the console (console/src/lib/api-tokens.ts): the lifetime as typed, and what a revoke says. */

describe('expiresInDaysOf', () => {
  it('is null when left empty: a token that never expires', () => {
    expect(expiresInDaysOf('')).toEqual({ ok: true, value: null });
    expect(expiresInDaysOf('   ')).toEqual({ ok: true, value: null });
  });

  it('is the whole number typed, even out of range (the server checks the range, and says so beside the field)', () => {
    expect(expiresInDaysOf(' 30 ')).toEqual({ ok: true, value: 30 });
    expect(expiresInDaysOf('0')).toEqual({ ok: true, value: 0 });
    expect(expiresInDaysOf('4000')).toEqual({ ok: true, value: 4000 });
    expect(expiresInDaysOf('-5')).toEqual({ ok: true, value: -5 });
  });

  it('refuses what is no whole number, which cannot travel as an Int at all', () => {
    for (const typed of ['1.5', 'ten', '1e3', '99999999999999999999']) {
      const days = expiresInDaysOf(typed);
      expect(days.ok, typed).toBe(false);
      if (!days.ok) expect(days.problem).toBe('Must be a whole number of days from 1 to 3650, or left empty for a token that never expires.');
    }
  });
});

describe('isExpired', () => {
  const now = new Date('2026-12-03T09:15:00Z');
  it('is true once the expiry has passed, never for a token without one', () => {
    expect(isExpired({ expiresAt: '2026-12-03T09:14:59Z' }, now)).toBe(true);
    expect(isExpired({ expiresAt: '2026-12-03T09:15:00Z' }, now)).toBe(true);
    expect(isExpired({ expiresAt: '2026-12-04T00:00:00Z' }, now)).toBe(false);
    expect(isExpired({ expiresAt: null }, now)).toBe(false);
  });
});

describe('revokedMessage', () => {
  it('names the token, and says when it was already revoked or could not be', () => {
    expect(revokedMessage({ name: 'Nightly export' }, { ok: true, value: { alreadyGone: false } })).toEqual({ kind: 'success', message: 'Revoked “Nightly export”: it no longer works' });
    expect(revokedMessage({ name: 'Nightly export' }, { ok: true, value: { alreadyGone: true } })).toEqual({ kind: 'success', message: '“Nightly export” was already revoked' });
    expect(revokedMessage({ name: 'Nightly export' }, { ok: false, problem: { code: 'NETWORK', message: 'The server could not be reached.', fields: {} } })).toEqual({
      kind: 'error',
      message: 'Could not revoke “Nightly export”: The server could not be reached.',
    });
  });
});
