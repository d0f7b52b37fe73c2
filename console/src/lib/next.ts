/**
 * Where sign-in sends you back to. Pure (no Svelte, no SvelteKit), so that tests/console-unit
 * tries it with what an attacker would put in a link.
 *
 * A string check on the raw value is not enough: browsers read `/\evil.example` as
 * `//evil.example` and drop tabs and newlines anywhere in a URL, so `/\t/evil.example` also leads
 * off-site. The value is therefore resolved the way the browser will resolve it (the WHATWG URL
 * parser) against a fixed origin, and kept only if it stays on that origin; what the console then
 * navigates to is the parser's normalised path, search and hash, never the raw text.
 */

/** Stands for the console's own origin: `.invalid` is reserved, so no real site can be it. */
const HOME = 'https://console.invalid';
const SIGN_IN = '/sign-in';

/** A path of the console itself (path, search and hash) for `raw`, or `/` when it would lead anywhere else or back to sign-in. */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/')) return '/';
  const target = resolve(raw);
  if (!target) return '/';
  const path = target.pathname + target.search + target.hash;
  // The normalised path must itself stay home: `/.//evil.example` normalises to `//evil.example`.
  const again = resolve(path);
  if (!again || again.href !== target.href) return '/';
  if (isSignIn(target.pathname)) return '/';
  return path;
}

/** The URL `raw` names, if it is one on the fixed origin. */
function resolve(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw, `${HOME}/`);
  } catch {
    return null;
  }
  return url.origin === HOME && url.username === '' && url.password === '' ? url : null;
}

/** Sign-in itself, however its path is spelt (`/sign-in/`, `/%73ign-in`): following it would only come back here. */
function isSignIn(pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return true;
  }
  const path = decoded.replace(/\/+$/, '').toLowerCase();
  return path === SIGN_IN || path.startsWith(`${SIGN_IN}/`);
}

/** The sign-in page's address from a page that needs a session: `next` is where it was (never sign-in itself or the home page). */
export function signInHref(from: URL | null, ended: boolean): string {
  const params = new URLSearchParams();
  if (from && from.pathname !== '/' && !isSignIn(from.pathname)) params.set('next', from.pathname + from.search);
  if (ended) params.set('ended', '1');
  const search = params.toString();
  return `${SIGN_IN}${search ? `?${search}` : ''}`;
}

const TWO_FACTOR_SETUP = '/profile';

/**
 * Profile's two-factor set-up, for a page the server refused until it is done; `next` is that
 * page, to go on to afterwards (read back through safeNext, like sign-in's).
 */
export function twoFactorSetupHref(from: URL): string {
  const next = from.pathname + from.search;
  const params = new URLSearchParams({ setup: 'two-factor' });
  if (from.pathname !== '/' && from.pathname !== TWO_FACTOR_SETUP) params.set('next', next);
  return `${TWO_FACTOR_SETUP}?${params}`;
}
