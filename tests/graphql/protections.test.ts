import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_MAX_BYTES } from '../../server/domain/limits.js';
import { DEFAULT_PASSWORD, makeAdmin } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Request-level protections: CSRF for cookie sessions, introspection in production, body size. */
describe('in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ production: true });
  });
  afterAll(() => server?.close());

  it('refuses schema introspection', async () => {
    const res = await server.gql('{ __schema { types { name } } }');
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
  });
});

describe('cross-site requests with the session cookie', () => {
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer();
    const admin = await makeAdmin(server);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: admin.email, p: DEFAULT_PASSWORD } }),
    });
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^tracker_session=/);
  });
  afterAll(() => server?.close());

  it('are refused when they come as a simple form post (no JSON content type, no preflight header)', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType, cookie },
        body: JSON.stringify({ query: 'mutation { createClient(input: { name: "Forged" }) { id } }' }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    }
    const clients = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query: '{ clients { name } }' }) });
    expect(await clients.json()).toEqual({ data: { clients: [] } });
  });

  it('are refused as GET queries without the preflight header', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { email } }')}`, { headers: { cookie } });
    expect(res.status).toBe(400);
  });
});

describe('request bodies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it(`larger than ${REQUEST_MAX_BYTES} bytes (room for the largest users file to import) are refused with 413 before they are read in full`, async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ me { id } }`, variables: { x: 'x'.repeat(REQUEST_MAX_BYTES + 1024) } }) });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});
