import { describe, expect, it } from 'vitest';
import { safeNext, signInHref, twoFactorSetupHref } from '../../console/src/lib/next.js';

/**
 * Where the sign-in page sends you after signing in (console/src/lib/next.ts): only to a path of
 * the console itself. Each value below is what `url.searchParams.get('next')` hands over, that is
 * already percent-decoded once, the way an attacker's link delivers it.
 */

/** What a browser does with the path the console navigates to: resolve it against the page's own address. */
const CONSOLE = 'https://tracker.example.com';
const whereItLeads = (path: string) => new URL(path, `${CONSOLE}/sign-in?next=x`);

describe('safeNext', () => {
  describe('refuses anything that leads off the console, and goes home instead', () => {
    const ATTACKS: [string, string][] = [
      ['a protocol-relative URL', '//evil.example/x'],
      ['a backslash for the second slash (`/%5Cevil.example/x`)', '/\\evil.example/x'],
      ['two backslashes', '\\\\evil.example/x'],
      ['a slash and two backslashes', '/\\\\evil.example/x'],
      ['a backslash then a slash', '/\\/evil.example/x'],
      ['a tab between the slashes (`/%09/evil.example/x`)', '/\t/evil.example/x'],
      ['a newline between the slashes', '/\n/evil.example/x'],
      ['a carriage return between the slashes', '/\r/evil.example/x'],
      ['tabs and newlines mixed in', '/\t\r\n/evil.example/x'],
      ['a tab after both slashes', '//\tevil.example/x'],
      ['three slashes', '///evil.example/x'],
      ['a dot segment that normalises to two slashes', '/.//evil.example/x'],
      ['a double-dot segment that normalises to two slashes', '/..//evil.example/x'],
      ['an encoded dot segment that normalises to two slashes', '/%2e//evil.example/x'],
      ['an absolute https URL', 'https://evil.example/x'],
      ['an absolute http URL', 'http://evil.example'],
      ['a scheme with no slashes', 'https:evil.example'],
      ['upper-case scheme', 'HTTPS://evil.example'],
      ['a javascript: URL', 'javascript:alert(document.domain)'],
      ['a javascript: URL with a tab in the scheme', 'java\tscript:alert(1)'],
      ['a javascript: URL behind spaces', '  javascript:alert(1)'],
      ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
      ['a leading space before two slashes', ' //evil.example'],
      ['a leading tab before two slashes', '\t//evil.example'],
      ['credentials in a protocol-relative URL', '//user:pass@evil.example'],
      ['a relative path with no leading slash', 'evil.example/x'],
      ['the sign-in page itself', '/sign-in'],
      ['the sign-in page with its own next', '/sign-in?next=//evil.example'],
      ['the sign-in page with a trailing slash', '/sign-in/'],
      ['the sign-in page through a dot segment', '/./sign-in'],
      ['the sign-in page, percent-encoded', '/%73ign-in'],
      ['a malformed percent-encoding of the sign-in page', '/%E0%A4%A'],
      ['an empty value', ''],
    ];

    for (const [what, raw] of ATTACKS) {
      it(`${what}: ${JSON.stringify(raw)}`, () => {
        expect(safeNext(raw)).toBe('/');
      });
    }

    it('no value at all', () => {
      expect(safeNext(null)).toBe('/');
      expect(safeNext(undefined)).toBe('/');
    });
  });

  describe('follows a path of the console, normalised as the browser would', () => {
    const GOOD: [string, string, string][] = [
      ['a plain path', '/tickets', '/tickets'],
      ['a path with a search', '/tickets?status=open', '/tickets?status=open'],
      ['a path with search and hash', '/audit?action=user.update&actor=3#top', '/audit?action=user.update&actor=3#top'],
      ['a nested path', '/users/42', '/users/42'],
      ['a path with a hash only', '/profile#sessions', '/profile#sessions'],
      ['dot segments, resolved', '/users/./42/../7', '/users/7'],
      ['a backslash inside a path, as the browser reads it', '/users\\42', '/users/42'],
      ['a tab inside a path, dropped as the browser drops it', '/tick\tets', '/tickets'],
      ['an encoded slash, kept encoded (one segment)', '/%2F%2Fevil.example', '/%2F%2Fevil.example'],
      ['a space, percent-encoded', '/tickets?q=a b', '/tickets?q=a%20b'],
      ['a path that merely starts like sign-in', '/sign-inside', '/sign-inside'],
    ];

    for (const [what, raw, path] of GOOD) {
      it(`${what}: ${JSON.stringify(raw)} → ${path}`, () => {
        expect(safeNext(raw)).toBe(path);
      });
    }
  });

  it('never returns anything a browser would resolve to another origin, or to sign-in', () => {
    const pieces = ['/', '\\', '\t', '\n', '.', '..', '%2e', '%5C', '%2F', 'evil.example', ':', '@', '?', '#', 'sign-in', ' '];
    const tried: string[] = [];
    // Every sequence of up to four pieces after a leading slash: 69,905 values.
    const grow = (prefix: string, depth: number) => {
      tried.push(prefix);
      if (depth === 0) return;
      for (const piece of pieces) grow(prefix + piece, depth - 1);
    };
    grow('/', 4);
    const escaped = tried.filter((raw) => {
      const url = whereItLeads(safeNext(raw));
      return url.origin !== CONSOLE || /^\/sign-in(\/|$)/.test(url.pathname);
    });
    expect(tried.length).toBeGreaterThan(60_000);
    expect(escaped.map((raw) => `${JSON.stringify(raw)} → ${safeNext(raw)}`)).toEqual([]);
  });
});

describe('signInHref', () => {
  it('names the page that needed a session as next, and safeNext takes it back', () => {
    const href = signInHref(new URL(`${CONSOLE}/tickets?client=3&status=open`), false);
    expect(href).toBe('/sign-in?next=%2Ftickets%3Fclient%3D3%26status%3Dopen');
    expect(safeNext(new URL(href, CONSOLE).searchParams.get('next'))).toBe('/tickets?client=3&status=open');
  });

  it('says the session ended, when it did', () => {
    expect(signInHref(new URL(`${CONSOLE}/clients`), true)).toBe('/sign-in?next=%2Fclients&ended=1');
  });

  it('names neither the home page nor sign-in itself', () => {
    expect(signInHref(new URL(`${CONSOLE}/`), false)).toBe('/sign-in');
    expect(signInHref(new URL(`${CONSOLE}/sign-in?next=%2Fusers`), true)).toBe('/sign-in?ended=1');
    expect(signInHref(null, false)).toBe('/sign-in');
  });
});

describe('twoFactorSetupHref', () => {
  const at = (path: string) => new URL(path, 'https://console.invalid');

  it('is Profile’s set-up, with the refused page (and its query) as next', () => {
    expect(twoFactorSetupHref(at('/users?status=invited'))).toBe('/profile?setup=two-factor&next=%2Fusers%3Fstatus%3Dinvited');
    expect(safeNext(new URL(twoFactorSetupHref(at('/clients/3')), 'https://console.invalid').searchParams.get('next'))).toBe('/clients/3');
  });

  it('has no next for the home page or Profile itself', () => {
    expect(twoFactorSetupHref(at('/'))).toBe('/profile?setup=two-factor');
    expect(twoFactorSetupHref(at('/profile'))).toBe('/profile?setup=two-factor');
  });
});
