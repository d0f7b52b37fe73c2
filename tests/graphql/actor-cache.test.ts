import { createSecretKey, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../support/database.js';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const USERS_TOTAL = '{ users { total } }';
const codeOf = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code ?? 'OK';

describe('signed-in users are kept in memory, and a change to them still takes effect at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('a request by a user seen before runs no statement to authenticate', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    const me = () => server.gql('{ me { id } }', {}, token);
    await me();
    const cached = await server.countStatements(me);
    server.services.actors.changed('all');
    const uncached = await server.countStatements(me);
    expect(uncached).toBe(cached + 1);
  });

  it('a role taken away by a write straight to the database (psql, the CLI, another instance) is refused on the next request', async () => {
    const admin = await makeAdmin(server);
    const token = await login(server, admin.email);
    expect(codeOf(await server.gql(USERS_TOTAL, {}, token))).toBe('OK');
    expect(server.services.actors.size).toBeGreaterThan(0);

    // Not through the services: only the database's notification can tell the cache.
    await server.db.database.orm.em.getConnection().execute(`update "users" set "roles" = '{user}' where "id" = ?`, [admin.id]);
    // On the embedded database the notification arrives with the commit; on PostgreSQL, a moment later.
    await expect.poll(async () => codeOf(await server.gql(USERS_TOTAL, {}, token)), { timeout: 2_000, interval: 20 }).toBe('FORBIDDEN');
  });

  it('a client deleted by an admin leaves the access lists of its users at once', async () => {
    const adminToken = await login(server, (await makeAdmin(server)).email);
    const client = await makeClient(server);
    const user = await makeUser(server, { roles: ['user'], clientIds: [client.id] });
    const token = await login(server, user.email);
    const scope = async () => (await server.gql<{ clients: { id: string }[] }>('{ clients { id } }', {}, token)).data?.clients.map((c) => c.id);
    expect(await scope()).toEqual([String(client.id)]);

    const deleted = await server.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: String(client.id) }, adminToken);
    expect(deleted.errors).toBeUndefined();
    expect(await scope()).toEqual([]);
  });

  it('a password changed on this instance revokes the old token on the very next request', async () => {
    const user = await makeUser(server);
    const token = await login(server, user.email);
    expect(codeOf(await server.gql('{ me { id } }', {}, token))).toBe('OK');
    await server.services.users.update(server.system(), user.id, { password: 'a whole new password' });
    expect(codeOf(await server.gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe.skipIf(!onPostgres)('several server instances on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const jwtKey = createSecretKey(randomBytes(32));
    a = await startTestServer({ jwtKey });
    b = await startTestServer({ jwtKey, joinDatabase: a.db.url });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('an admin demoted on one instance is refused on the other as soon as the notification arrives', async () => {
    const boss = await login(a, (await makeAdmin(a)).email);
    const admin = await makeAdmin(a);
    const token = await login(a, admin.email);
    expect(codeOf(await a.gql(USERS_TOTAL, {}, token))).toBe('OK'); // held by instance A

    const demoted = await b.gql('mutation($id: ID!) { updateUser(id: $id, input: { roles: [USER] }) { roles } }', { id: String(admin.id) }, boss);
    expect(demoted.errors).toBeUndefined();
    expect(codeOf(await b.gql(USERS_TOTAL, {}, token))).toBe('FORBIDDEN'); // B made the change: at once
    await expect.poll(async () => codeOf(await a.gql(USERS_TOTAL, {}, token)), { timeout: 2_000, interval: 10 }).toBe('FORBIDDEN');
  });

  it('when the notification connection breaks, the instance reads every user from the database until it is back', async () => {
    const admin = await makeAdmin(a);
    const token = await login(a, admin.email);
    expect(codeOf(await a.gql(USERS_TOTAL, {}, token))).toBe('OK');

    // Both instances' listening connections are killed by the database.
    const dba = new pg.Client({ connectionString: a.db.url });
    await dba.connect();
    try {
      await dba.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'tracker-notifications'`);
      await expect.poll(() => a.services.actors.active, { timeout: 2_000, interval: 5 }).toBe(false);
      // A change whose notification nobody could hear: it must still take effect.
      await dba.query(`update "users" set "roles" = '{user}' where "id" = $1`, [admin.id]);
      expect(codeOf(await a.gql(USERS_TOTAL, {}, token))).toBe('FORBIDDEN');
    } finally {
      await dba.end();
    }

    // Reconnected: cached again, and notified again.
    await expect.poll(() => a.services.actors.active, { timeout: 10_000, interval: 20 }).toBe(true);
    const me = () => a.gql('{ me { id } }', {}, token);
    await me();
    expect(a.services.actors.size).toBeGreaterThan(0);
    await b.services.users.update(b.system(), admin.id, { roles: ['admin'] });
    await expect.poll(async () => codeOf(await a.gql(USERS_TOTAL, {}, token)), { timeout: 2_000, interval: 10 }).toBe('OK');
  });
});
