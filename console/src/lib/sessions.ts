import { describeDevice } from './devices.js';
import type { Problem } from './errors.js';
import { mutate, query, type Outcome } from './graphql/client.js';
import { MySessionsQuery, RevokeSessionMutation, RevokeUserSessionsMutation, type SessionData } from './graphql/operations.js';

/**
 * Ending sessions, as Profile and a user's page do it. The server decides who may end which
 * (schema.graphql: revokeSession, revokeUserSessions); this only asks, and says what happened.
 */

export type Announcement = { kind: 'success' | 'error'; message: string };

/** A session as the messages name it: its device ("Firefox on Linux"). */
export function sessionName(session: Pick<SessionData, 'userAgent'>): string {
  return describeDevice(session.userAgent);
}

export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** This device's session first, then the others as the server orders them (newest first). */
export function currentFirst<S extends Pick<SessionData, 'current'>>(sessions: readonly S[]): S[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current));
}

export type Ending = { ok: true; alreadyEnded: boolean } | { ok: false; problem: Problem };

/**
 * Ends one session. NOT_FOUND means it is no longer open (it expired, or was signed out
 * meanwhile): there was nothing left to end, which is what was asked.
 */
export async function endSession(id: string): Promise<Ending> {
  const result = await mutate(RevokeSessionMutation, { id });
  if (result.ok) return { ok: true, alreadyEnded: false };
  if (result.problem.code === 'NOT_FOUND') return { ok: true, alreadyEnded: true };
  return result;
}

export function endedMessage(session: SessionData, ending: Ending): Announcement {
  const name = sessionName(session);
  if (!ending.ok) return { kind: 'error', message: `Could not sign out ${name}: ${ending.problem.message}` };
  return { kind: 'success', message: ending.alreadyEnded ? `${name} was already signed out` : `Signed out ${name}` };
}

export interface EndedOthers {
  /** Sessions this call ended. */
  ended: number;
  /** Sessions that were already over when their turn came. */
  alreadyEnded: number;
  failed: { session: SessionData; problem: Problem }[];
}

/**
 * "Sign out everywhere else": every open session of the caller but the one asking, read afresh
 * (so that a sign-in since the page loaded is included) and ended one by one.
 * revokeUserSessions would end the asking session too, so it is not used here.
 */
export async function endOtherSessions(): Promise<Outcome<EndedOthers>> {
  const listed = await query(MySessionsQuery, {});
  if (!listed.ok) return listed;
  const result: EndedOthers = { ended: 0, alreadyEnded: 0, failed: [] };
  for (const session of listed.value.mySessions.filter((s) => !s.current)) {
    const ending = await endSession(session.id);
    if (ending.ok) {
      if (ending.alreadyEnded) result.alreadyEnded++;
      else result.ended++;
      continue;
    }
    result.failed.push({ session, problem: ending.problem });
    // This session itself is over: the console is on its way back to sign-in, nothing more will work.
    if (ending.problem.code === 'UNAUTHENTICATED') break;
  }
  return { ok: true, value: result };
}

export function endedOthersMessage(outcome: Outcome<EndedOthers>): Announcement {
  if (!outcome.ok) return { kind: 'error', message: `Could not sign out your other sessions: ${outcome.problem.message}` };
  const { ended, alreadyEnded, failed } = outcome.value;
  if (failed.length > 0) {
    const reasons = failed.map(({ session, problem }) => `${sessionName(session)} (${problem.message})`).join('; ');
    return { kind: 'error', message: `Signed out ${ended} of ${count(ended + alreadyEnded + failed.length, 'other session')}; could not sign out ${reasons}` };
  }
  const done = ended + alreadyEnded;
  if (done === 0) return { kind: 'success', message: 'No other session was open: only this device is signed in' };
  return { kind: 'success', message: `Signed out ${count(done, 'other session')}: only this device is signed in now` };
}

/** Ends every session of a user at once: each of their tokens stops working on its next request. Returns how many ended. */
export async function endAllSessionsOf(userId: string): Promise<Outcome<number>> {
  const result = await mutate(RevokeUserSessionsMutation, { userId });
  return result.ok ? { ok: true, value: result.value.revokeUserSessions } : result;
}

export function endedAllMessage(name: string, outcome: Outcome<number>): Announcement {
  if (!outcome.ok) return { kind: 'error', message: `Could not sign ${name} out: ${outcome.problem.message}` };
  if (outcome.value === 0) return { kind: 'success', message: `${name} was not signed in anywhere` };
  return { kind: 'success', message: `Signed ${name} out everywhere: ${count(outcome.value, 'session')} ended` };
}
