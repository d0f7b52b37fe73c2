import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The audit log: every change and sign-in, with actor, target, time, changed fields and channel; never a secret. */
let server: TestServer;
let admin: { id: number; email: string };
let token: string;

beforeAll(async () => {
  server = await startTestServer({ loginLimits: { perEmail: 3, perSource: 1000 } });
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

describe('what the audit log records', () => {
  it('a user created, updated and deleted through the API: actor, target, time, changed fields, never the password', async () => {
    const before = new Date();
    const client = await makeClient(server, 'Audited Client');
    const created = await server.gql(
      'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { name: 'Audited', email: 'audited@example.com', password: 'secret-password-1', clientIds: [String(client.id)] } },
      token,
    );
    const id = created.data!.createUser.id;
    await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { name: "Audited Again", password: "secret-password-2", roles: [USER, ADMIN] }) { id } }', { id }, token);
    await server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id }, token);

    const { items } = await audit({ targetType: 'user', targetId: id });
    expect(items.map((e) => e.action)).toEqual(['user.delete', 'user.update', 'user.create']);
    for (const entry of items) {
      expect(entry).toMatchObject({ actorId: String(admin.id), actorLabel: admin.email, channel: 'api', targetType: 'user', targetId: id, sourceAddress: expect.stringContaining('127.0.0.1') });
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before.getTime() - 1000);
    }
    expect(items[2]!.changes).toMatchObject({ name: { to: 'Audited' }, email: { to: 'audited@example.com' }, roles: { to: ['user'] }, clientIds: { to: [client.id] } });
    expect(items[1]!.changes).toEqual({ name: { from: 'Audited', to: 'Audited Again' }, roles: { from: ['user'], to: ['user', 'admin'] }, password: 'changed' });
    expect(items[0]!.changes).toMatchObject({ email: { from: 'audited@example.com' } });
    const everything = JSON.stringify(await audit({ limit: 1000 }));
    expect(everything).not.toContain('secret-password');
    expect(everything).not.toMatch(/\$2[aby]\$/);
  });

  it('clients and tickets, and which way a change came in (the console says so)', async () => {
    const console = (query: string, variables: Record<string, unknown>) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-tracker-client': 'console' },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<{ data: any }>);
    const client = (await console('mutation { createClient(input: { name: "Console Client" }) { id } }', {})).data.createClient.id;
    await server.gql('mutation($id: ID!) { updateClient(id: $id, input: { name: "Renamed Client" }) { id } }', { id: client }, token);
    const ticket = (await server.gql('mutation($c: ID!) { createTicket(input: { clientId: $c, title: "Audited ticket" }) { id } }', { c: client }, token)).data!.createTicket.id;
    await server.gql('mutation($id: ID!) { updateTicket(id: $id, input: { status: DONE }) { id } }', { id: ticket }, token);
    await server.gql('mutation($id: ID!) { deleteTicket(id: $id) }', { id: ticket }, token);
    await server.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: client }, token);

    const clientLog = (await audit({ targetType: 'client', targetId: client })).items;
    expect(clientLog.map((e) => [e.action, e.channel])).toEqual([
      ['client.delete', 'api'],
      ['client.update', 'api'],
      ['client.create', 'console'],
    ]);
    expect(clientLog[1]!.changes).toEqual({ name: { from: 'Console Client', to: 'Renamed Client' } });
    const ticketLog = (await audit({ targetType: 'ticket', targetId: ticket })).items;
    expect(ticketLog.map((e) => e.action)).toEqual(['ticket.delete', 'ticket.update', 'ticket.create']);
    expect(ticketLog[1]!.changes).toEqual({ status: { from: 'OPEN', to: 'DONE' } });
  });

  it('sign-ins, failed sign-ins, lockouts and unlocks', async () => {
    const { user } = await signedIn(server);
    for (let i = 0; i < 3; i++) await server.gql('mutation($e: String!) { login(email: $e, password: "wrong-password") { token } }', { e: user.email });
    await server.gql('mutation { login(email: "nobody-at-all@example.com", password: "wrong-password") { token } }');
    await server.gql('mutation($id: ID!) { unlockUser(id: $id) { id } }', { id: String(user.id) }, token);
    await login(server, user.email, DEFAULT_PASSWORD);

    const mine = (await audit({ targetType: 'user', targetId: String(user.id) })).items.map((e) => [e.action, e.actorLabel]);
    expect(mine.slice(0, 6)).toEqual([
      ['login.success', user.email],
      ['user.unlock', admin.email],
      ['login.lockout', user.email],
      ['login.failure', user.email],
      ['login.failure', user.email],
      ['login.failure', user.email],
    ]);
    const unknown = (await audit({ action: 'login.failure' })).items.find((e) => e.actorLabel === 'nobody-at-all@example.com');
    expect(unknown).toMatchObject({ actorId: null, targetType: null, targetId: null });
  });
});

describe('reading the audit log', () => {
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
