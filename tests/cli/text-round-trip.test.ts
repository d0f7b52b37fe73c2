import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, onPostgres } from '../support/database.js';
import { runCli, type CliResult } from '../support/cli.js';
import { spawnServer, tempDataDir, type SpawnedServer } from '../support/process.js';
import { TRICKY_TEXTS } from '../support/texts.js';

/**
 * The operator CLI stores and prints whatever text it is given, byte for byte, with the row's real
 * id in --json: through the server's control socket (embedded database, server running), directly
 * on PostgreSQL, and, on the embedded database with no server, in its own process.
 */
function cliOn(env: Record<string, string>) {
  const run = (group: 'user' | 'client' | 'audit', ...args: string[]) => runCli(group, args, { env });
  return { user: (...args: string[]) => run('user', ...args), client: (...args: string[]) => run('client', ...args), audit: (...args: string[]) => run('audit', ...args) };
}

function json(result: CliResult): any {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('with the server running (embedded: through its socket; PostgreSQL: directly)', () => {
  let env: Record<string, string>;
  let server: SpawnedServer;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    env = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: 'text-tests-'.repeat(4) };
    if (onPostgres) {
      const created = await createPostgresDatabase();
      env.DATABASE_URL = created.url;
      dropDatabase = created.drop;
    }
    server = spawnServer(env);
    await server.ready();
  });
  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  it.each(TRICKY_TEXTS.map((text, n) => ({ text, n })))('$text: a client and a user get real ids, and read back and search as typed', async ({ text, n }) => {
    const { client, user } = cliOn(env);
    const created = json(await client('create', '--name', text, '--json'));
    expect(created).toMatchObject({ id: expect.any(Number), name: text });
    expect(created.id).toBeGreaterThan(0);

    const made = json(await user('create', '--name', text, '--email', `cli-text-${n}@example.com`, '--password', 'a long passphrase', '--client-list', String(created.id), '--json'));
    expect(made).toMatchObject({ id: expect.any(Number), name: text, clientIds: [created.id] });
    const found = json(await user('list', '--search', text, '--limit', '1000', '--json'));
    expect(found.items.map((u: { id: number; name: string }) => [u.id, u.name])).toContainEqual([made.id, text]);
  });

  it('update, get and the audit log keep the text as typed', async () => {
    const { client, user, audit } = cliOn(env);
    const text = `${TRICKY_TEXTS[0]} (renamed)`;
    const { id } = json(await client('create', '--name', 'to be renamed', '--json'));
    expect(json(await client('update', String(id), '--name', text, '--json')).name).toBe(text);
    expect(json(await client('get', String(id), '--json')).name).toBe(text);
    const changes = json(await audit('list', '--target', `client:${id}`, '--action', 'client.update', '--json')).items[0].changes;
    expect(changes).toEqual({ name: { from: 'to be renamed', to: text } });

    const made = json(await user('create', '--name', 'plain', '--email', 'cli-text-update@example.com', '--password', 'a long passphrase', '--json'));
    expect(json(await user('update', String(made.id), '--name', text, '--json')).name).toBe(text);
    expect(json(await user('get', String(made.id), '--json')).name).toBe(text);
    // The readable output prints it too.
    expect((await user('get', String(made.id))).stdout).toContain(text);
  });

  it('a search for a bare semicolon or wildcard is an ordinary search', async () => {
    const { user } = cliOn(env);
    for (const needle of [';', '%', '_', "'"]) {
      const page = json(await user('list', '--search', needle, '--limit', '1000', '--json'));
      expect(page.items.length).toBeGreaterThan(0);
      for (const hit of page.items as { name: string; email: string }[]) expect(`${hit.name} ${hit.email}`).toContain(needle);
    }
  });
});

describe.skipIf(onPostgres)('on the embedded database with no server running (the CLI opens it itself)', () => {
  it('gives a real id and the text as typed', async () => {
    const { client, user } = cliOn({ TRACKER_DATA_DIR: tempDataDir() });
    const created = json(await client('create', '--name', 'CLI; Client', '--json'));
    expect(created).toMatchObject({ id: 1, name: 'CLI; Client' });
    const made = json(await user('create', '--name', "semi; colon 'quoted'", '--email', 'semi@example.com', '--password', 'a long passphrase', '--json'));
    expect(made).toMatchObject({ id: 1, name: "semi; colon 'quoted'" });
    expect(json(await user('list', '--search', ';', '--json')).items.map((u: { id: number }) => u.id)).toEqual([1]);
  });
});
