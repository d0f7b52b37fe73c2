import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, onPostgres } from '../support/database.js';
import { login, makeAdmin, makeClient } from '../support/factories.js';
import { spawnServer, tempDataDir, type SpawnedServer } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

describe('a failure in the middle of a multi-row change', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  it('leaves nothing half-written', async () => {
    const keep = await makeClient(server, 'Kept');
    const poisoned = await makeClient(server, 'Poisoned');
    const created = await server.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { name: 'Before', email: 'half@example.com', password: 'password123', clientIds: [String(keep.id)] } }, token);
    const id = created.data!.createUser.id;
    // The database itself fails while the access list is being rewritten, after the name changed.
    const connection = server.db.database.orm.em.getConnection();
    await connection.execute(`create function fail_poisoned() returns trigger language plpgsql as $$
      begin if new.client_id = ${poisoned.id} then raise exception 'disk on fire'; end if; return new; end $$`);
    await connection.execute('create trigger fail_poisoned before insert on user_clients for each row execute function fail_poisoned()');
    try {
      const res = await server.gql(
        'mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }',
        { id, i: { name: 'After', clientIds: [String(poisoned.id)] } },
        token,
      );
      expect(res.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res.errors)).not.toContain('disk on fire');
    } finally {
      await connection.execute('drop trigger fail_poisoned on user_clients');
      await connection.execute('drop function fail_poisoned()');
    }
    const after = await server.gql('query($id: ID!) { user(id: $id) { name clients { name } } }', { id }, token);
    expect(after.data).toEqual({ user: { name: 'Before', clients: [{ name: 'Kept' }] } });
  });
});

describe.skipIf(!onPostgres)('PostgreSQL going away while the server runs', () => {
  let proxy: TcpProxy;
  let server: SpawnedServer;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    const target = new URL(database.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.host = `127.0.0.1:${proxy.port}`;
    server = spawnServer({ DATABASE_URL: target.toString(), JWT_SECRET: 'faults-test-'.repeat(4), TRACKER_DATA_DIR: tempDataDir(), BCRYPT_ROUNDS: '4' });
    url = await server.ready();
  });
  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await drop?.();
  });

  const query = async () => {
    const started = Date.now();
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { login(email: "a@example.com", password: "whatever1") { token } }' }) });
    const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
    return { ms: Date.now() - started, code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message };
  };
  const health = async () => {
    const res = await fetch(`${url}/healthz`);
    return { status: res.status, body: await res.json() };
  };

  it('fails fast with DATABASE_UNAVAILABLE, answers /healthz 503, and recovers by itself when it is back', async () => {
    expect((await query()).code).toBe('UNAUTHENTICATED');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });

    await proxy.cut();
    const down = await query();
    expect(down.code).toBe('DATABASE_UNAVAILABLE');
    expect(down.message).toBe('The database is unavailable; try again shortly');
    expect(down.ms).toBeLessThan(5000);
    expect(await health()).toMatchObject({ status: 503, body: { database: 'down' } });
    // Still down, still fast, and the server keeps running.
    expect((await query()).ms).toBeLessThan(5000);

    await proxy.restore();
    const deadline = Date.now() + 10_000;
    let back = await query();
    while (back.code !== 'UNAUTHENTICATED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await query();
    }
    expect(back.code).toBe('UNAUTHENTICATED');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
    expect(server.process.exitCode).toBeNull();
  });
});
