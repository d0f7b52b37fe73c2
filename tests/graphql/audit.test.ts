import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The audit log over HTTP (README: Security, "Audit log"; schema.graphql: auditLog): a request's
 * actor, channel (the console names itself) and network address reach the log; reading it filters,
 * pages and refuses bad filters with their field problems, and is for admins only. What each
 * change records, and that no secret is ever recorded, is specified on the services:
 * tests/services/audit-log.test.ts.
 */
let server: TestServer;
let admin: { id: number; email: string };
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await makeAdmin(server);
  token = await login(server, admin.email);
});
afterAll(() => server?.close());

const AUDIT = `query($actorId: ID, $targetType: String, $targetId: ID, $action: String, $from: DateTime, $to: DateTime, $skip: Int, $limit: Int) {
  auditLog(actorId: $actorId, targetType: $targetType, targetId: $targetId, action: $action, from: $from, to: $to, skip: $skip, limit: $limit) {
    total skip limit items { id at actorId actorLabel channel action targetType targetId changes sourceAddress }
  }
}`;

async function audit(variables: Record<string, unknown> = {}) {
  const res = await server.gql(AUDIT, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!.auditLog as { total: number; items: Record<string, any>[] };
}

describe('what reaches the audit log from a request', () => {
  it('the actor, the channel the request names (the console says so) and the address it came from', async () => {
    const console = (query: string, variables: Record<string, unknown>) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-tracker-client': 'console' },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<{ data: any }>);
    const client = (await console('mutation { createClient(input: { name: "Console Client" }) { id } }', {})).data.createClient.id;
    await server.gql('mutation($id: ID!) { updateClient(id: $id, input: { name: "Renamed Client" }) { id } }', { id: client }, token);

    const clientLog = (await audit({ targetType: 'client', targetId: client })).items;
    expect(clientLog.map((e) => [e.action, e.channel])).toEqual([
      ['client.update', 'api'],
      ['client.create', 'console'],
    ]);
    for (const entry of clientLog) {
      expect(entry).toMatchObject({ actorId: String(admin.id), actorLabel: admin.email, targetType: 'client', targetId: client, sourceAddress: expect.stringContaining('127.0.0.1') });
    }
  });
});

describe('reading the audit log', () => {
  beforeAll(async () => {
    // A few changes by the admin over the API, for the filters to find.
    const created = await server.gql('mutation { createUser(input: { name: "Audited", email: "audited@example.com", password: "secret-password-1" }) { id } }', {}, token);
    const id = created.data!.createUser.id;
    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { name: "Audited Again" }) { id } }', { id }, token);
    await server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id }, token);
    const client = (await server.gql('mutation { createClient(input: { name: "Audited Client" }) { id } }', {}, token)).data!.createClient.id;
    await server.gql('mutation($id: ID!) { updateClient(id: $id, input: { name: "Audited Client Renamed" }) { id } }', { id: client }, token);
    await server.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: client }, token);
  });

  it('filters by actor, action and time range, and pages', async () => {
    const all = await audit({ limit: 1000 });
    expect(all.total).toBe(all.items.length);
    const byAdmin = await audit({ actorId: String(admin.id), limit: 1000 });
    expect(byAdmin.items.every((e) => e.actorId === String(admin.id))).toBe(true);
    expect(byAdmin.total).toBeGreaterThan(5);
    const creates = await audit({ action: 'user.create' });
    expect(creates.items.every((e) => e.action === 'user.create')).toBe(true);
    const future = await audit({ from: new Date(Date.now() + 60_000).toISOString() });
    expect(future.total).toBe(0);
    const past = await audit({ to: new Date(0).toISOString() });
    expect(past.total).toBe(0);
    const page = await audit({ skip: 1, limit: 2 });
    expect(page.items.map((e) => e.id)).toEqual(all.items.slice(1, 3).map((e) => e.id));
    const bad = await server.gql(AUDIT, { action: 'user.frobnicate', targetType: 'planet' }, token);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: { action: expect.any(String), targetType: expect.any(String) } } });
  });

  it('is for admins only', async () => {
    const { token: userToken } = await signedIn(server);
    expect((await server.gql(AUDIT, {}, userToken)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await server.gql(AUDIT, {})).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
