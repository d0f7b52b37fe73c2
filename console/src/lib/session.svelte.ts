import { goto } from '$app/navigation';
import { MESSAGES } from '$server/domain/errors.js';
import { whenSessionEnds, mutate, query, type Outcome } from './graphql/client.js';
import { AcceptInvitationMutation, LoginMutation, LogoutMutation, MeQuery, VerifyTwoFactorMutation, type UserData } from './graphql/operations.js';
import type { Problem } from './errors.js';
import { signInHref } from './next.js';

/**
 * Who is signed in. The session itself is the httpOnly cookie the server sets at login; the
 * console only learns who it belongs to by asking `me`, on every full load.
 */
export const session = $state<{ user: UserData | null; ended: string | null }>({ user: null, ended: null });

/**
 * A note that this browser had a session (never the token): when the cookie has expired, the
 * browser drops it, and only this tells "your session expired" from "you never signed in".
 */
const HAD_SESSION = 'tracker.had-session';
export const EXPIRED_MESSAGE = 'Your session has expired; sign in again.';

function remember(had: boolean): void {
  try {
    if (had) localStorage.setItem(HAD_SESSION, '1');
    else localStorage.removeItem(HAD_SESSION);
  } catch {
    // Storage may be off; the explanation is then simply not given.
  }
}

function hadSession(): boolean {
  try {
    return localStorage.getItem(HAD_SESSION) === '1';
  } catch {
    return false;
  }
}

export type SessionState = { kind: 'signed-in'; user: UserData } | { kind: 'signed-out'; ended: string | null } | { kind: 'unavailable'; problem: Problem };

/** Reads `me`. No cookie: signed out; a cookie the server refuses (expired, revoked): ended, with why. */
export async function loadSession(): Promise<SessionState> {
  const result = await query(MeQuery, {});
  if (result.ok) {
    session.user = result.value.me;
    return { kind: 'signed-in', user: result.value.me };
  }
  session.user = null;
  if (result.problem.code !== 'UNAUTHENTICATED') return { kind: 'unavailable', problem: result.problem };
  const ended = result.problem.message !== MESSAGES.signInRequired ? result.problem.message : hadSession() ? EXPIRED_MESSAGE : null;
  remember(false);
  if (ended) session.ended = ended;
  return { kind: 'signed-out', ended };
}

/** This browser is signed in as `user` (the server has just set the session cookie). */
function began(user: UserData): void {
  session.user = user;
  session.ended = null;
  remember(true);
}

/**
 * The password step. For a user with two-factor on, it fails with TWO_FACTOR_REQUIRED and the
 * problem's `challenge`: the sign-in goes on with verifySecondFactor.
 */
export async function signIn(email: string, password: string) {
  const result = await mutate(LoginMutation, { email, password });
  if (result.ok) began(result.value.login.user);
  return result;
}

/** The second step: login's challenge and a code (or a recovery code); signed in as by login. */
export async function verifySecondFactor(challenge: string, code: string) {
  const result = await mutate(VerifyTwoFactorMutation, { challenge, code });
  if (result.ok) began(result.value.verifyTwoFactor.user);
  return result;
}

/**
 * The invitation's link, followed: the password chosen makes the account ACTIVE, and the answer
 * signs this browser in (the server sets the session cookie, as at login).
 */
export async function acceptInvitation(token: string, password: string) {
  const result = await mutate(AcceptInvitationMutation, { token, password });
  if (result.ok) began(result.value.acceptInvitation.user);
  return result;
}

/**
 * Logout ends this session on the server (its token stops working at once) and clears the cookie.
 * If the server could not be told, the session is still open: the console says so and stays.
 */
export async function signOut(): Promise<Outcome<unknown>> {
  const result = await mutate(LogoutMutation, {});
  if (!result.ok) return result;
  remember(false);
  session.user = null;
  session.ended = null;
  await goto('/sign-in', { replaceState: true, invalidateAll: true });
  return result;
}

whenSessionEnds((problem, kind) => {
  if (!session.user) return;
  remember(false);
  session.user = null;
  session.ended = problem.message;
  if (kind === 'mutation') void goto(signInHref(new URL(window.location.href), true), { replaceState: true });
});
