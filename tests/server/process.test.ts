import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hash } from '@node-rs/bcrypt';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/migrations/index.js';
import { createPostgresDatabase, onPostgres } from '../support/database.js';
import { spawnServer, tempDataDir, type SpawnedServer } from '../support/process.js';

const running: SpawnedServer[] = [];
function start(env: Record<string, string | undefined>): SpawnedServer {
  const server = spawnServer({ BCRYPT_ROUNDS: '4', ...env });
  running.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
});

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

// These two groups do not depend on TEST_DATABASE_URL: they run once, in the embedded-database pass.
describe.skipIf(onPostgres)('npm start on the embedded database', () => {
  it('creates the data directory, generates a private JWT secret, migrates, and says how to create the first admin', async () => {
    const dataDir = join(tempDataDir(), 'nested', 'data');
    const server = start({ TRACKER_DATA_DIR: dataDir });
    const url = await server.ready();

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(server.output()).toMatch(/Applied migration Migration\d+/);
    expect(server.output()).toContain('./scripts/user create');
    expect((await gql(url, '{ me { id } }')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a second process on the same data directory with a clear message, and leaves the first one serving', async () => {
    const dataDir = tempDataDir();
    const first = start({ TRACKER_DATA_DIR: dataDir });
    const url = await first.ready();

    const second = start({ TRACKER_DATA_DIR: dataDir });
    expect(await second.exited()).toBe(1);
    expect(second.output()).toContain(`The embedded database in ${dataDir} is in use by another process (pid ${first.process.pid}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('on SIGTERM answers the request in flight, closes the database, releases the lock and exits 0', async () => {
    const dataDir = tempDataDir();
    const server = start({ TRACKER_DATA_DIR: dataDir, BCRYPT_ROUNDS: '12' });
    const url = await server.ready();
    // A login costs a full bcrypt verification (~0.2 s at cost 12): still running when the signal comes.
    const inFlight = gql(url, 'mutation { login(email: "nobody@example.com", password: "whatever1") { token } }');
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.process.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.errors?.[0]).toMatchObject({ message: 'Incorrect email or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(await server.exited()).toBe(0);
    expect(existsSync(join(dataDir, 'tracker.lock'))).toBe(false);
    // The same data directory opens again at once.
    const again = start({ TRACKER_DATA_DIR: dataDir });
    await again.ready();
  });

  it('on SIGTERM under load answers every request it accepted before exiting', async () => {
    const server = start({ TRACKER_DATA_DIR: tempDataDir(), BCRYPT_ROUNDS: '10' });
    const url = await server.ready();
    // Thirty logins at once, each a full bcrypt verification: most are still running at the signal.
    const inFlight = Array.from({ length: 30 }, (_, i) => gql(url, `mutation { login(email: "load-${i}@example.com", password: "whatever1") { token } }`));
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.process.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    for (const answer of answers) expect(answer.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await server.exited()).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe.skipIf(onPostgres)('configuration', () => {
  it('refuses to start in production without JWT_SECRET', async () => {
    const server = start({ TRACKER_DATA_DIR: tempDataDir(), NODE_ENV: 'production' });
    expect(await server.exited()).toBe(1);
    expect(server.output()).toContain('JWT_SECRET is required when NODE_ENV=production');
  });

  it('warns at start, in production without SMTP_URL, that emailed links will be written to the log', async () => {
    const production = start({ TRACKER_DATA_DIR: tempDataDir(), NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) });
    await production.ready();
    expect(production.output()).toMatch(/warn.*SMTP_URL is not set while NODE_ENV=production: .*invitation and password-reset links included/);

    const development = start({ TRACKER_DATA_DIR: tempDataDir() });
    await development.ready();
    expect(development.output()).toContain('SMTP_URL is not set: notification emails are written to this log');
    expect(development.output()).not.toContain('NODE_ENV=production');
  });

  it.skipIf(!existsSync('/proc/self/cmdline'))('runs node with the memory-lean heap options unless TRACKER_HEAP_FLAGS replaces them', async () => {
    const nodeOptions = async (env: Record<string, string>) => {
      const server = start({ TRACKER_DATA_DIR: tempDataDir(), ...env });
      await server.ready();
      // scripts/start execs node: the child's pid is the server's.
      return readFileSync(`/proc/${server.process.pid}/cmdline`, 'utf8').split('\0');
    };
    expect(await nodeOptions({})).toEqual(expect.arrayContaining(['--heap-growing-percent=15', '--max-semi-space-size=8']));
    const replaced = await nodeOptions({ TRACKER_HEAP_FLAGS: '--max-semi-space-size=4' });
    expect(replaced).toContain('--max-semi-space-size=4');
    expect(replaced).not.toContain('--heap-growing-percent=15');
    expect((await nodeOptions({ TRACKER_HEAP_FLAGS: '' })).some((arg) => /heap-growing|semi-space/.test(arg))).toBe(false);
  });

  it('refuses a JWT_SECRET shorter than 32 characters and names every bad variable', async () => {
    const server = start({ TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: 'short', BCRYPT_ROUNDS: 'many', PORT: '99999' });
    expect(await server.exited()).toBe(1);
    expect(server.output()).toContain('JWT_SECRET must be at least 32 characters');
    expect(server.output()).toContain('BCRYPT_ROUNDS must be an integer');
    expect(server.output()).toContain('PORT must be an integer');
  });

  it('says the database cannot be reached, quickly, when DATABASE_URL points nowhere', async () => {
    const started = Date.now();
    const server = start({ TRACKER_DATA_DIR: tempDataDir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    expect(await server.exited()).toBe(1);
    expect(server.output()).toContain('Cannot reach the database');
    expect(server.output()).not.toMatch(/at .*\.ts:\d+/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe.skipIf(!onPostgres)('several instances on one PostgreSQL', () => {
  it('start at once on an empty database, migrate it once, and share tokens, revocation, lockouts and the audit log', async () => {
    const { url: databaseUrl, drop } = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: databaseUrl, JWT_SECRET: 'a'.repeat(40), TRACKER_DATA_DIR: tempDataDir() };
      const a = start(env);
      const b = start({ ...env, TRACKER_DATA_DIR: tempDataDir() });
      const [urlA, urlB] = await Promise.all([a.ready(), b.ready()]);

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query('select name from mikro_orm_migrations');
        expect(rows.map((r: { name: string }) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
        await client.query(
          `insert into users (name, email, password_hash, roles, created_at, updated_at)
           values ('Admin', 'admin@example.com', $1, '{admin}', now(), now())`,
          [await hash('password1', 4)],
        );
      } finally {
        await client.end();
      }
      const login = await gql(urlA, 'mutation { login(email: "admin@example.com", password: "password1") { token } }');
      expect(login.errors).toBeUndefined();
      const me = await gql(urlB, '{ me { email roles } }', {}, login.data.login.token);
      expect(me.data).toEqual({ me: { email: 'admin@example.com', roles: ['ADMIN'] } });

      // Revocation made on one instance holds on the other at once.
      const adminToken = login.data.login.token;
      const created = await gql(urlB, 'mutation { createUser(input: { name: "Bo", email: "bo@example.com", password: "bo-password" }) { id } }', {}, adminToken);
      const boToken = (await gql(urlA, 'mutation { login(email: "bo@example.com", password: "bo-password") { token } }')).data.login.token;
      expect((await gql(urlA, '{ me { email } }', {}, boToken)).data).toEqual({ me: { email: 'bo@example.com' } });
      await gql(urlB, 'mutation($id: ID!) { updateUser(id: $id, input: { password: "bo-new-password" }) { id } }', { id: created.data.createUser.id }, adminToken);
      expect((await gql(urlA, '{ me { email } }', {}, boToken)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

      // A lockout earned on one instance is enforced by the other.
      for (let i = 0; i < 10; i++) await gql(i % 2 ? urlA : urlB, 'mutation { login(email: "bo@example.com", password: "wrong-password") { token } }');
      const locked = await gql(urlA, 'mutation { login(email: "bo@example.com", password: "bo-new-password") { token } }');
      expect(locked.errors?.[0]?.extensions.code).toBe('TOO_MANY_REQUESTS');

      // And both write one audit log.
      const log = await gql(urlA, '{ auditLog(targetType: "user", targetId: "' + created.data.createUser.id + '") { items { action } } }', {}, adminToken);
      const actions = log.data.auditLog.items.map((e: { action: string }) => e.action);
      expect(actions.filter((a: string) => a === 'login.failure')).toHaveLength(10);
      expect(actions).toEqual(expect.arrayContaining(['user.create', 'user.update', 'login.success', 'login.lockout']));
    } finally {
      await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
      await drop();
    }
  });
});
