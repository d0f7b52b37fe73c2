import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import { RESOLVERS, buildGraphQLSchema } from '../../server/graphql/schema.js';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * What an operator watches (docs/operations.md): /metrics behind METRICS_TOKEN, request ids in
 * every answer and as the reference of an internal error.
 */
const TOKEN = 'metrics-token-for-the-tests';

@Resolver()
class BrokenResolver {
  @Query(() => String)
  @Directive('@public')
  broken(@Ctx() _ctx: unknown): string {
    throw new Error('a bug, with a secret inside: hunter2');
  }
}

let server: TestServer;
let plain: TestServer;
beforeAll(async () => {
  [server, plain] = await Promise.all([
    startTestServer({ metricsToken: TOKEN, loginLimits: { perEmail: 2, perSource: 1000 }, schema: buildGraphQLSchema([...RESOLVERS, BrokenResolver]) }),
    startTestServer(),
  ]);
});
afterAll(() => Promise.all([server?.close(), plain?.close()]));

async function scrape(token: string | null = TOKEN, target = server): Promise<Response> {
  return fetch(`${target.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

/** The value of one sample of the text format, e.g. metric('tracker_lockouts_total'); 0 when absent. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const body = await (await scrape()).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(' ');
    const [metricName, labelText = ''] = series!.split('{');
    if (metricName !== name) continue;
    if (wanted.every((w) => labelText.includes(w)) && (wanted.length > 0 || labelText === '')) return Number(value);
  }
  return 0;
}

async function named(operation: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, operationName: operation }),
  });
  return { response, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('/metrics', () => {
  it('is not found while METRICS_TOKEN is unset, and refuses any other token', async () => {
    expect((await scrape(TOKEN, plain)).status).toBe(404);
    expect((await scrape(null)).status).toBe(401);
    const wrong = await scrape('not-the-metrics-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await wrong.text()).not.toContain('tracker_');
  });

  it("answers the token in Prometheus's text format, with Node's process metrics and the Tracker System's", async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'tracker_graphql_operations_total',
      'tracker_graphql_operation_duration_seconds',
      'tracker_login_failures_total',
      'tracker_lockouts_total',
      'tracker_outbox_pending',
      'tracker_sessions_open',
      'tracker_db_pool_connections',
    ]) {
      expect(body, name).toContain(`# TYPE ${name} `);
    }
  });

  it('counts operations by name and outcome, and times them', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const ok = () => metric('tracker_graphql_operations_total', { operation: 'WhoAmI', outcome: 'ok' });
    const before = await ok();
    await named('WhoAmI', 'query WhoAmI { me { id } }', {}, token);
    await named('WhoAmI', 'query WhoAmI { me { id } }', {}, token);
    expect(await ok()).toBe(before + 2);
    await named('AllUsers', 'query AllUsers { users { total } }', {}, token);
    expect(await metric('tracker_graphql_operations_total', { operation: 'AllUsers', outcome: 'FORBIDDEN' })).toBe(1);
    expect(await metric('tracker_graphql_operation_duration_seconds_count', { operation: 'WhoAmI' })).toBeGreaterThanOrEqual(2);
  });

  it('labels an operation by its name only: none, a strange one, or one too many count as anonymous; never the query text or variables', async () => {
    const anonymous = () => metric('tracker_graphql_operations_total', { operation: 'anonymous', outcome: 'ok' });
    const before = await anonymous();
    await named(undefined as unknown as string, '{ __typename }');
    await named('not a name', 'query { __typename }');
    expect(await anonymous()).toBe(before + 1);
    await named('Search', 'query Search($s: String) { users(search: $s) { total } }', { s: 'a-variable-value-never-in-labels' });
    const body = await (await scrape()).text();
    expect(body).not.toContain('a-variable-value-never-in-labels');
    expect(body).not.toContain('users(search');
    // Names are bounded: a script inventing a new name per request cannot grow the labels forever.
    for (let i = 0; i < 210; i++) await named(`Invented${i}`, `query Invented${i} { __typename }`);
    const labels = new Set([...(await (await scrape()).text()).matchAll(/tracker_graphql_operations_total\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(labels.size).toBeLessThanOrEqual(201);
    expect(labels.has('Invented209')).toBe(false);
  });

  it('counts failed sign-ins and lockouts, and shows the sessions open and the emails waiting', async () => {
    const [failures, lockouts, sessions] = await Promise.all([metric('tracker_login_failures_total'), metric('tracker_lockouts_total'), metric('tracker_sessions_open')]);
    const user = await makeUser(server);
    for (let i = 0; i < 2; i++) await server.gql('mutation { login(email: "' + user.email + '", password: "wrong password") { token } }');
    expect(await metric('tracker_login_failures_total')).toBe(failures + 2);
    expect(await metric('tracker_lockouts_total')).toBe(lockouts + 1);

    const other = await makeUser(server);
    await login(server, other.email, DEFAULT_PASSWORD);
    expect(await metric('tracker_sessions_open')).toBe(sessions + 1);

    // A ticket notifies its client's users by email: the outbox holds it until a worker sends it (none runs here).
    const admin = await login(server, (await makeAdmin(server, { notificationPreferences: { email: true, ui: false } })).email);
    const pending = await metric('tracker_outbox_pending');
    const client = await makeClient(server);
    await makeUser(server, { clientIds: [client.id], notificationPreferences: { email: true, ui: false } });
    await server.gql('mutation($c: ID!) { createTicket(input: { clientId: $c, title: "Counted" }) { id } }', { c: String(client.id) }, admin);
    expect(await metric('tracker_outbox_pending')).toBeGreaterThan(pending);
    expect(await metric('tracker_db_pool_connections', { state: 'max' })).toBeGreaterThan(0);
  });
});

describe('request ids', () => {
  it('are in every answer: the caller’s when it sent a sane one, else a new one', async () => {
    const own = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'proxy-1234.abc' } });
    expect(own.headers.get('x-request-id')).toBe('proxy-1234.abc');
    const fresh = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const insane of ['has spaces in it', 'x'.repeat(200), 'quote"s']) {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': insane } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await fetch(`${server.url}/`)).headers.get('x-request-id')).toBeTruthy();
  });

  it('are the reference of an internal error, which says nothing else', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-42' }, body: '{"query":"{ broken }"}' });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; reference: string } }[] };
    expect(res.headers.get('x-request-id')).toBe('trace-me-42');
    expect(body.errors[0]).toMatchObject({ message: 'Internal server error (reference trace-me-42)', extensions: { code: 'INTERNAL_SERVER_ERROR', reference: 'trace-me-42' } });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });
});
