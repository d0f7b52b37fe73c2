import { describe, expect, it } from 'vitest';
import type { Problem } from '../../console/src/lib/errors.js';
import type { SessionData } from '../../console/src/lib/graphql/operations.js';
import { currentFirst, endedAllMessage, endedMessage, endedOthersMessage } from '../../console/src/lib/sessions.js';

/** What the console says after ending sessions (console/src/lib/sessions.ts). */

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const session = (id: string, userAgent: string | null = FIREFOX): SessionData => ({
  id,
  createdAt: '2026-12-03T09:15:00.000Z',
  lastSeenAt: '2026-12-03T09:20:00.000Z',
  expiresAt: '2026-12-03T21:15:00.000Z',
  userAgent,
  address: '203.0.113.7',
  current: false,
});
const problem = (message: string, code = 'INTERNAL_SERVER_ERROR'): Problem => ({ message, code, fields: {} });

describe('currentFirst', () => {
  it('puts this device’s session first and keeps the others in the server’s order', () => {
    const listed = [session('9'), { ...session('8'), current: true }, session('7'), session('6')];
    expect(currentFirst(listed).map((s) => s.id)).toEqual(['8', '9', '7', '6']);
    expect(listed.map((s) => s.id)).toEqual(['9', '8', '7', '6']);
  });
});

describe('endedMessage', () => {
  it('names the device signed out', () => {
    expect(endedMessage(session('1'), { ok: true, alreadyEnded: false })).toEqual({ kind: 'success', message: 'Signed out Firefox on Linux' });
  });

  it('says when there was nothing left to end', () => {
    expect(endedMessage(session('1'), { ok: true, alreadyEnded: true })).toEqual({ kind: 'success', message: 'Firefox on Linux was already signed out' });
  });

  it('gives the API’s reason for a failure', () => {
    expect(endedMessage(session('1'), { ok: false, problem: problem('The server could not be reached.', 'NETWORK') })).toEqual({
      kind: 'error',
      message: 'Could not sign out Firefox on Linux: The server could not be reached.',
    });
  });
});

describe('endedOthersMessage', () => {
  it('counts the sessions ended, those already over included', () => {
    expect(endedOthersMessage({ ok: true, value: { ended: 2, alreadyEnded: 1, failed: [] } })).toEqual({
      kind: 'success',
      message: 'Signed out 3 other sessions: only this device is signed in now',
    });
    expect(endedOthersMessage({ ok: true, value: { ended: 1, alreadyEnded: 0, failed: [] } }).message).toBe('Signed out 1 other session: only this device is signed in now');
  });

  it('says when no other session was open', () => {
    expect(endedOthersMessage({ ok: true, value: { ended: 0, alreadyEnded: 0, failed: [] } })).toEqual({
      kind: 'success',
      message: 'No other session was open: only this device is signed in',
    });
  });

  it('names each session it could not end, and why, with how many it did', () => {
    const failed = [{ session: session('7', 'curl/8.5.0'), problem: problem('Something went wrong. Try again.') }];
    expect(endedOthersMessage({ ok: true, value: { ended: 2, alreadyEnded: 0, failed } })).toEqual({
      kind: 'error',
      message: 'Signed out 2 of 3 other sessions; could not sign out curl/8.5.0 (Something went wrong. Try again.)',
    });
  });

  it('says why when the sessions could not even be read', () => {
    expect(endedOthersMessage({ ok: false, problem: problem('The server could not be reached.', 'NETWORK') })).toEqual({
      kind: 'error',
      message: 'Could not sign out your other sessions: The server could not be reached.',
    });
  });
});

describe('endedAllMessage', () => {
  it('counts the sessions that ended', () => {
    expect(endedAllMessage('Uma User', { ok: true, value: 2 }).message).toBe('Signed Uma User out everywhere: 2 sessions ended');
    expect(endedAllMessage('Uma User', { ok: true, value: 1 }).message).toBe('Signed Uma User out everywhere: 1 session ended');
  });

  it('says when they were signed in nowhere', () => {
    expect(endedAllMessage('Uma User', { ok: true, value: 0 })).toEqual({ kind: 'success', message: 'Uma User was not signed in anywhere' });
  });

  it('gives the API’s reason for a refusal', () => {
    expect(endedAllMessage('Uma User', { ok: false, problem: problem('Only an admin can do this', 'FORBIDDEN') })).toEqual({
      kind: 'error',
      message: 'Could not sign Uma User out: Only an admin can do this',
    });
  });
});
