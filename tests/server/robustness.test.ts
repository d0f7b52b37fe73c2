import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Many random and malformed requests: every answer is a well-formed error with a code, nothing
 * leaks, and the server stays up with its memory bounded.
 */
const CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LAST_ADMIN',
  'TOO_MANY_REQUESTS',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
]);

const VALID = [
  '{ me { id name clients { id } } }',
  'query($s: Int, $l: Int, $q: String) { users(skip: $s, limit: $l, search: $q) { total items { id email } } }',
  'query($id: ID!) { user(id: $id) { id roles } }',
  'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
  'mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }',
  'mutation($i: ClientInput!) { createClient(input: $i) { id } }',
  'query($c: ID, $s: TicketStatus) { tickets(clientId: $c, status: $s) { total } }',
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  return { next, int, pick };
}

function junkValue(r: ReturnType<typeof random>, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return r.next() * 1e12 - 5e11;
    case 2:
      return 'x'.repeat(r.int(5000));
    case 3:
      return r.next() < 0.5;
    case 4:
      return String.fromCharCode(...Array.from({ length: r.int(40) }, () => r.int(0xffff)));
    case 5:
      return -1;
    case 6:
      return Array.from({ length: r.int(5) }, () => junkValue(r, depth + 1));
    case 7:
      return { name: junkValue(r, depth + 1), email: junkValue(r, depth + 1), password: junkValue(r, depth + 1), clientIds: junkValue(r, depth + 1) };
    default:
      return { [String(junkValue(r, depth + 1)).slice(0, 20)]: junkValue(r, depth + 1) };
  }
}

function mutate(r: ReturnType<typeof random>, text: string): string {
  const chars = [...text];
  for (let i = 0, n = 1 + r.int(4); i < n; i++) {
    const at = r.int(chars.length);
    const op = r.int(3);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, r.pick(['{', '}', '(', ')', '$', '"', ':', '!', '@', '...', ' ', '\u0000', 'é']));
    else chars[at] = r.pick(['[', ']', '#', '\\', '\n']);
  }
  return chars.join('');
}

interface Probe {
  body: Buffer | string;
  contentType: string;
  method?: string;
}

function probe(r: ReturnType<typeof random>): Probe {
  const json = 'application/json';
  switch (r.int(9)) {
    case 0: // random bytes
      return { body: Buffer.from(Array.from({ length: r.int(2000) }, () => r.int(256))), contentType: json };
    case 1: // invalid UTF-8 inside otherwise plausible JSON
      return { body: Buffer.concat([Buffer.from('{"query":"{ me { id } }","variables":{"x":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}}')]), contentType: json };
    case 2: // wrong content types
      return { body: JSON.stringify({ query: r.pick(VALID) }), contentType: r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) };
    case 3: // deep nesting
      return { body: `{"query":"{ me { id } }","variables":${'['.repeat(5000 + r.int(50_000))}`, contentType: json };
    case 4: // mangled documents
      return { body: JSON.stringify({ query: mutate(r, r.pick(VALID)) }), contentType: json };
    case 5: // valid documents, wrong variables
      return { body: JSON.stringify({ query: r.pick(VALID), variables: junkValue(r) }), contentType: json };
    case 6: // not an object at all
      return { body: JSON.stringify(junkValue(r)), contentType: json };
    case 7: // huge string
      return { body: JSON.stringify({ query: r.pick(VALID), variables: { i: { name: 'n'.repeat(200_000 + r.int(2_000_000)) } } }), contentType: json };
    default: // wrong method
      return { body: '', contentType: json, method: r.pick(['PUT', 'DELETE', 'PATCH']) };
  }
}

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await login(server, (await makeAdmin(server)).email);
});
afterAll(() => server?.close());

describe('random and malformed requests', () => {
  it('each get a well-formed error with a known code, nothing leaks, and the server stays up with bounded memory', async () => {
    const r = random(20261126);
    const rssBefore = process.memoryUsage().rss;
    const seen = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const p = probe(r);
      const response = await fetch(`${server.url}/graphql`, {
        method: p.method ?? 'POST',
        headers: { ...(p.contentType ? { 'content-type': p.contentType } : {}), ...(r.next() < 0.5 ? { authorization: `Bearer ${token}` } : {}) },
        body: p.method && p.method !== 'POST' ? undefined : typeof p.body === 'string' ? p.body : new Uint8Array(p.body),
      });
      const text = await response.text();
      const context = `probe ${i}: HTTP ${response.status} ${text.slice(0, 300)}`;
      expect([200, 400, 405, 413, 415], context).toContain(response.status);
      const body = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown };
      if (response.status !== 200 || body.errors) {
        expect(body.errors?.length, context).toBeGreaterThan(0);
        for (const error of body.errors!) {
          expect(typeof error.message, context).toBe('string');
          expect(CODES.has(error.extensions?.code ?? ''), context).toBe(true);
          seen.set(error.extensions!.code!, (seen.get(error.extensions!.code!) ?? 0) + 1);
        }
      }
      expect(text, context).not.toMatch(/\bat [\w.<>]+ \(|node_modules|stacktrace|select .* from /i);
    }
    console.log('codes seen:', Object.fromEntries(seen));
    expect(seen.get('INTERNAL_SERVER_ERROR') ?? 0).toBe(0);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect((process.memoryUsage().rss - rssBefore) / 2 ** 20).toBeLessThan(300);
  });
});
