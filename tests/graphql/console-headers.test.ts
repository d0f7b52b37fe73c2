import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The console's pages carry the security headers of README: Security, "The console": a
 * Content-Security-Policy strict enough that an injected inline script cannot run (the page's own
 * bootstrap is allowed by its hash), no framing by any site, no MIME sniffing, and no Referer
 * leaking ticket ids elsewhere.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server?.close());

/** The policy's directives by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

const inlineScripts = (html: string) => [...html.matchAll(/<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]!);
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the console page', () => {
  for (const path of ['/', '/tickets/42']) {
    it(`GET ${path} forbids framing, sniffing and the Referer`, async () => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(['no-referrer', 'strict-origin-when-cross-origin']).toContain(response.headers.get('referrer-policy'));
      const policy = directives(response.headers.get('content-security-policy') ?? '');
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('connect-src')).toEqual(["'self'"]);
    });
  }

  it('allows scripts from this origin and the page’s own inline scripts by hash, never unsafe-inline or eval', async () => {
    const response = await fetch(`${server.url}/`);
    const html = await response.text();
    const scriptSrc = directives(response.headers.get('content-security-policy') ?? '').get('script-src') ?? [];
    expect(scriptSrc[0]).toBe("'self'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(scriptSrc.filter((value) => !value.startsWith("'sha256-") && value !== "'self'")).toEqual([]);
    // Every inline script of the page, and only those, is allowed by its hash (a built console
    // boots from one; the placeholder of an unbuilt one has none).
    expect(scriptSrc.slice(1).sort()).toEqual(inlineScripts(html).map(sha256).sort());
  });

  it('sends the same headers with a compressed page', async () => {
    const plain = await fetch(`${server.url}/`);
    const packed = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(packed.headers.get('content-security-policy')).toBe(plain.headers.get('content-security-policy'));
    expect(packed.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('the API', () => {
  it('answers with nosniff too', async () => {
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
