import { describe, expect, it } from 'vitest';
import { runCli, runShell, type CliResult } from '../support/cli.js';
import { onPostgres } from '../support/database.js';
import { spawnServer, tempDataDir } from '../support/process.js';
import { useRunningServer } from '../support/running-server.js';

/**
 * The operator CLI as README's "Operator CLI" section describes it (the commands, flags, --json
 * records, error lines and exit codes, and the common scenarios as written there), run as real
 * subprocesses.
 * On PostgreSQL it connects directly; on the embedded database a server holds the data directory,
 * so every command here also proves that the CLI works while the server runs, through it.
 */
const running = useRunningServer('cli-tests');
const { env } = running;

const user = (...args: string[]) => runCli('user', args, { env });
const client = (...args: string[]) => runCli('client', args, { env });
const shell = (line: string) => runShell(line, env);

async function login(email: string, password: string): Promise<{ token?: string; code?: string; roles?: string[] }> {
  const res = await fetch(`${running.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { roles } } }', variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data?: { login: { token: string; user: { roles: string[] } } }; errors?: { extensions: { code: string } }[] };
  return { token: body.data?.login.token, roles: body.data?.login.user.roles, code: body.errors?.[0]?.extensions.code };
}

function expectOk(result: CliResult): void {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.code).toBe(0);
}

function expectError(result: CliResult, code: number, message: string | RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
}

const json = (result: CliResult) => JSON.parse(result.stdout);

describe('the seed page, top to bottom, pasted as written', () => {
  it('creates the clients the examples refer to', async () => {
    for (const name of ['Client One', 'Client Two', 'Client Three']) expectOk(await client('create', '--name', name));
    expect(json(await client('list', '--json')).map((c: { id: number }) => c.id)).toEqual([1, 3, 2]); // by name: One, Three, Two
  });

  it('"Example with all parameters" creates an admin with clients 1, 2, 3 and both notifications', async () => {
    const result = await shell(`./scripts/user create \\
  --name "Admin User" \\
  --email "admin@example.com" \\
  --password "securepassword" \\
  --roles admin,user \\
  --client-list 1,2,3 \\
  --notification-preferences '{"email":true,"ui":true}'`);
    expectOk(result);
    expect(result.stdout).toContain('Created user 1');
    const created = json(await user('get', '1', '--json'));
    expect(created).toMatchObject({ id: 1, name: 'Admin User', email: 'admin@example.com', roles: ['admin', 'user'], clientIds: [1, 2, 3], notificationPreferences: { email: true, ui: true } });
    expect((await login('admin@example.com', 'securepassword')).roles).toEqual(['ADMIN', 'USER']);
  });

  it('"Initial System Setup" for an email that exists fails as "User Already Exists" says, with exit code 4', async () => {
    const result = await shell(`./scripts/user create \\
  --name "Admin User" \\
  --email "admin@example.com" \\
  --password "securepassword" \\
  --roles admin`);
    expectError(result, 4, 'Error: A user with this email already exists');
  });

  it('"Update a User" renames and sets a new password that logs in at once', async () => {
    expectOk(await shell('./scripts/user update 1 --name "Updated Name" --password "newpassword"'));
    expect(json(await user('get', '1', '--json')).name).toBe('Updated Name');
    expect((await login('admin@example.com', 'newpassword')).token).toBeTruthy();
    expect((await login('admin@example.com', 'securepassword')).code).toBe('UNAUTHENTICATED');
  });

  it('"Example with multiple parameters" is refused, since manager is no role, and changes nothing', async () => {
    const result = await shell(`./scripts/user update 1 \\
  --name "Updated Name" \\
  --email "updated@example.com" \\
  --roles admin,user,manager`);
    expectError(result, 1, 'unknown role "manager"; known roles: admin, user');
    expect(json(await user('get', '1', '--json')).email).toBe('admin@example.com');
  });

  it('"Resetting a User\'s Password" works', async () => {
    expectOk(await shell('./scripts/user update 1 --password "newpassword"'));
    expect((await login('admin@example.com', 'newpassword')).token).toBeTruthy();
  });

  it('"Granting Admin Privileges" gives a user the ADMIN role, effective at their next request', async () => {
    const created = json(await user('create', '--name', 'Grace', '--email', 'grace@example.com', '--password', 'gracepassword', '--json'));
    expect(created.roles).toEqual(['user']);
    expectOk(await shell(`./scripts/user update ${created.id} --roles admin,user`));
    expect((await login('grace@example.com', 'gracepassword')).roles).toEqual(['ADMIN', 'USER']);
    expectOk(await shell('./scripts/user update 1 --roles admin,user'));
  });

  it('"List All Users" prints a table', async () => {
    const result = await shell('./scripts/user list');
    expectOk(result);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+EMAIL\s+ROLES\s+CLIENTS\s+STATUS$/);
    expect(rows[0]).toMatch(/^1\s+Updated Name\s+admin@example\.com\s+admin,user\s+1,2,3\s+active$/);
    expect(rows.at(-1)).toBe('Users 1-2 of 2 (skip 0, limit 100)');
  });

  it('"Get a Specific User" shows the user', async () => {
    const result = await shell('./scripts/user get 1');
    expectOk(result);
    expect(result.stdout).toContain('Email:          admin@example.com');
    expect(result.stdout).toContain('Client list:    Client One (1), Client Two (2), Client Three (3)');
  });

  it('"Delete a User" deletes, then "User Not Found" is what get says, with exit code 3', async () => {
    expectOk(await shell('./scripts/user delete 1'));
    expectError(await shell('./scripts/user get 1'), 3, 'Error: The user with this id does not exist in the system');
    expectError(await shell('./scripts/user delete 1'), 3, 'The user with this id does not exist in the system');
  });

  it('"Create a User" and "Creating an Admin User" work once the email is free, and a second time say it exists', async () => {
    expectOk(await shell('./scripts/user create --name "Admin User" --email "admin@example.com" --password "securepassword" --roles admin,user'));
    expectError(
      await shell('./scripts/user create \\\n  --name "Admin User" \\\n  --email "admin@example.com" \\\n  --password "securepassword" \\\n  --roles admin'),
      4,
      'A user with this email already exists',
    );
  });
});

describe('--json', () => {
  it('prints a user with numeric ids, lower-case roles and ISO times, and nothing else on stdout', async () => {
    const result = await user('create', '--name', 'Json Shape', '--email', 'JSON.Shape@Example.com ', '--password', 'password123', '--json');
    expectOk(result);
    const printed = json(result);
    expect(Object.keys(printed)).toEqual(['id', 'name', 'email', 'roles', 'clientIds', 'notificationPreferences', 'createdAt', 'updatedAt', 'lastLoginAt', 'status']);
    expect(printed).toMatchObject({ name: 'Json Shape', email: 'json.shape@example.com', roles: ['user'], clientIds: [], notificationPreferences: { email: true, ui: true }, lastLoginAt: null });
    expect(typeof printed.id).toBe('number');
    expect(new Date(printed.createdAt).toISOString()).toBe(printed.createdAt);
  });

  it('prints a page of users as {items, total, skip, limit}', async () => {
    const page = json(await user('list', '--skip', '1', '--limit', '2', '--search', 'example.com', '--json'));
    expect(Object.keys(page)).toEqual(['items', 'total', 'skip', 'limit']);
    expect(page.skip).toBe(1);
    expect(page.limit).toBe(2);
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    for (const item of page.items) expect(Object.keys(item)).toContain('clientIds');
  });

  it('prints a client, a list of clients, and a deletion', async () => {
    const created = json(await client('create', '--name', 'Json Client', '--json'));
    expect(Object.keys(created)).toEqual(['id', 'name', 'createdAt', 'updatedAt']);
    expect(json(await client('get', String(created.id), '--json'))).toEqual(created);
    const renamed = json(await client('update', String(created.id), '--name', 'Json Client Renamed', '--json'));
    expect(renamed.name).toBe('Json Client Renamed');
    expect(Array.isArray(json(await client('list', '--json')))).toBe(true);
    expect(json(await client('delete', String(created.id), '--json'))).toEqual({ id: created.id, deleted: true });
    const made = json(await user('create', '--name', 'Short Lived', '--email', 'short@example.com', '--password', 'password123', '--json'));
    expect(json(await user('delete', String(made.id), '--json'))).toEqual({ id: made.id, deleted: true });
  });
});

describe('flags', () => {
  it('--password-stdin reads the password from standard input, dropping one trailing newline', async () => {
    const result = await runCli('user', ['create', '--name', 'Stdin', '--email', 'stdin@example.com', '--password-stdin', '--json'], { env, input: 'from stdin 123\n' });
    expectOk(result);
    expect((await login('stdin@example.com', 'from stdin 123')).token).toBeTruthy();
    const id = String(json(result).id);
    expectOk(await runCli('user', ['update', id, '--password-stdin'], { env, input: 'changed on stdin\r\n' }));
    expect((await login('stdin@example.com', 'changed on stdin')).token).toBeTruthy();
  });

  it('--client-list "" clears the list on update; repeated ids collapse', async () => {
    const made = json(await user('create', '--name', 'Lists', '--email', 'lists@example.com', '--password', 'password123', '--client-list', '2,2,3', '--json'));
    expect(made.clientIds).toEqual([2, 3]);
    expect(json(await user('update', String(made.id), '--client-list', '', '--json')).clientIds).toEqual([]);
  });

  it('role names are case-insensitive and --notification-preferences merges', async () => {
    const made = json(await user('create', '--name', 'Cases', '--email', 'cases@example.com', '--password', 'password123', '--roles', 'USER,Admin', '--json'));
    expect(made.roles).toEqual(['user', 'admin']);
    const updated = json(await user('update', String(made.id), '--notification-preferences', '{"email":false}', '--json'));
    expect(updated.notificationPreferences).toEqual({ email: false, ui: true });
  });
});

describe('errors and exit codes', () => {
  it('1: invalid input, naming every bad flag in one line', async () => {
    expectError(await user('create', '--name', ' ', '--email', 'not-an-email', '--password', 'short'), 1, /--name: must not be empty; --email: must be a valid email address; --password: must be at least 8 bytes/);
  });

  it('1: a client id that does not exist, named', async () => {
    expectError(await user('create', '--name', 'Ghost', '--email', 'ghost@example.com', '--password', 'password123', '--client-list', '999'), 1, '--client-list: no client with id 999');
  });

  it('1: malformed arguments, before anything is done', async () => {
    expectError(await user('get', 'abc'), 1, 'user_id must be a positive integer');
    expectError(await user('create', '--name', 'x'), 1, 'Missing required argument: email');
    expectError(await user('list', '--limit', '0'), 1, '--limit: must be an integer from 1 to 1000');
    expectError(await user('get', '1', '--frobnicate'), 1, 'Unknown argument: frobnicate');
    expectError(await user('update', '2', '--notification-preferences', '{nope'), 1, '--notification-preferences must be JSON');
    expectError(await user('update', '2', '--notification-preferences', '{"sms":true}'), 1, 'unknown key "sms"');
    expectError(await user('update', '2', '--client-list', '1,x'), 1, '--client-list must be comma-separated client IDs');
  });

  it('3: not found, for users and clients', async () => {
    expectError(await user('update', '424242', '--name', 'Nobody'), 3, 'The user with this id does not exist in the system');
    expectError(await client('get', '424242'), 3, 'The client with this id does not exist in the system');
  });

  it('4: already exists (client names, any case) and last admin', async () => {
    expectOk(await client('create', '--name', 'Unique Name'));
    expectError(await client('create', '--name', 'UNIQUE name'), 4, 'A client with this name already exists');
    const page = json(await user('list', '--limit', '1000', '--json'));
    const admins = page.items.filter((u: { roles: string[] }) => u.roles.includes('admin'));
    for (const extra of admins.slice(1)) expectOk(await user('update', String(extra.id), '--roles', 'user'));
    expectError(await user('update', String(admins[0].id), '--roles', 'user'), 4, 'without an admin');
    expectError(await user('delete', String(admins[0].id)), 4, 'without an admin');
  });

  it('4: two operators demoting the last two admins at the same moment: exactly one succeeds', async () => {
    const a = json(await user('create', '--name', 'Race A', '--email', 'race-a@example.com', '--password', 'password123', '--roles', 'admin', '--json'));
    const b = json(await user('create', '--name', 'Race B', '--email', 'race-b@example.com', '--password', 'password123', '--roles', 'admin', '--json'));
    const page = json(await user('list', '--limit', '1000', '--json'));
    for (const other of page.items.filter((u: { id: number; roles: string[] }) => u.roles.includes('admin') && u.id !== a.id && u.id !== b.id)) {
      expectOk(await user('update', String(other.id), '--roles', 'user'));
    }
    const results = await Promise.all([a.id, b.id].map((id: number) => user('update', String(id), '--roles', 'user')));
    expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
    expect(results.find((r) => r.code === 4)!.stderr).toContain('without an admin');
    const after = json(await user('list', '--limit', '1000', '--json'));
    expect(after.items.filter((u: { roles: string[] }) => u.roles.includes('admin'))).toHaveLength(1);
  });

  it('5: a database that cannot be reached, within a few seconds', async () => {
    const result = await runCli('user', ['get', '1'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing', TRACKER_DATA_DIR: tempDataDir() } });
    expectError(result, 5, 'Cannot reach the database at postgres://postgres@127.0.0.1:1/nothing');
    expect(result.ms).toBeLessThan(10_000);
  });
});

describe('unlock', () => {
  it('lifts a sign-in lockout so the user can log in again at once; an unknown id is exit 3', async () => {
    const made = json(await user('create', '--name', 'Locked Out', '--email', 'locked@example.com', '--password', 'the-password', '--json'));
    for (let i = 0; i < 10; i++) expect((await login('locked@example.com', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    expect((await login('locked@example.com', 'the-password')).code).toBe('TOO_MANY_REQUESTS');
    const result = await user('unlock', String(made.id));
    expectOk(result);
    expect(result.stdout).toBe(`Unlocked user ${made.id} (locked@example.com): they can sign in again\n`);
    expect((await login('locked@example.com', 'the-password')).token).toBeTruthy();
    expectError(await user('unlock', '424242'), 3, 'The user with this id does not exist in the system');
  });
});

describe('./scripts/audit', () => {
  it('lists what the CLI did as the operator, with filters and --json', async () => {
    const made = json(await user('create', '--name', 'Audit Me', '--email', 'audit-me@example.com', '--password', 'password123', '--json'));
    expectOk(await user('update', String(made.id), '--name', 'Audited'));
    const result = await runCli('audit', ['list', '--target', `user:${made.id}`, '--json'], { env });
    expectOk(result);
    const page = JSON.parse(result.stdout);
    expect(page.items.map((e: { action: string }) => e.action)).toEqual(['user.update', 'user.create']);
    expect(page.items[0]).toMatchObject({ actorId: null, actorLabel: 'operator (cli)', channel: 'cli', targetType: 'user', targetId: made.id, changes: { name: { from: 'Audit Me', to: 'Audited' } } });
    const text = await runCli('audit', ['list', '--action', 'user.update', '--limit', '5'], { env });
    expectOk(text);
    expect(text.stdout.split('\n')[0]).toMatch(/^AT\s+ACTOR\s+CHANNEL\s+ACTION\s+TARGET\s+CHANGES$/);
    expectError(await runCli('audit', ['list', '--from', 'yesterday-ish'], { env }), 1, '--from must be a time in ISO 8601');
    expectError(await runCli('audit', ['list', '--action', 'user.explode'], { env }), 1, '--action: must be one of user.create');
  });
});

describe('--help', () => {
  it.each([
    ['user', 'create', '--client-list 1,2,3'],
    ['user', 'update', './scripts/user update 1 --password "newpassword"'],
    ['user', 'delete', './scripts/user delete 1'],
    ['user', 'list', './scripts/user list'],
    ['user', 'get', './scripts/user get 1'],
    ['user', 'unlock', './scripts/user unlock 1'],
    ['user', 'export', './scripts/user export > users.csv'],
    ['user', 'import', './scripts/user import users.csv --dry-run'],
    ['client', 'create', './scripts/client create --name'],
    ['client', 'update', './scripts/client update 1 --name'],
    ['client', 'delete', './scripts/client delete 1'],
    ['client', 'list', './scripts/client list'],
    ['client', 'get', './scripts/client get 1'],
  ] as const)('%s %s --help shows its flags and the examples', async (group, command, example) => {
    const result = await runCli(group, [command, '--help'], { env });
    expectOk(result);
    expect(result.stdout).toContain(`./scripts/${group} ${command}`);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(example);
    expect(result.stdout).toContain('--json');
  });
});

describe.skipIf(onPostgres)('the embedded database and the server', () => {
  it('what the CLI writes the API reads at once, and the other way round', async () => {
    const made = json(await user('create', '--name', 'Shared', '--email', 'shared@example.com', '--password', 'password123', '--roles', 'admin', '--json'));
    const { token } = await login('shared@example.com', 'password123');
    const res = await fetch(`${running.api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `mutation { updateUser(id: "${made.id}", input: { name: "Renamed by the API" }) { name } }` }),
    });
    expect(((await res.json()) as { data: { updateUser: { name: string } } }).data.updateUser.name).toBe('Renamed by the API');
    expect(json(await user('get', String(made.id), '--json')).name).toBe('Renamed by the API');
  });

  it('on a fresh data directory with no server, "Initial System Setup" gives an admin who can log in once the server starts', async () => {
    const fresh = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: env.JWT_SECRET! };
    const created = await runShell(
      './scripts/user create \\\n  --name "Admin User" \\\n  --email "admin@example.com" \\\n  --password "securepassword" \\\n  --roles admin',
      fresh,
    );
    expectOk(created);
    // Two commands at once: the second waits for the first to release the data directory.
    const [a, b] = await Promise.all([runCli('client', ['create', '--name', 'First'], { env: fresh }), runCli('client', ['create', '--name', 'Second'], { env: fresh })]);
    expectOk(a);
    expectOk(b);
    const later = spawnServer(fresh);
    try {
      const url = await later.ready();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { login(email: "admin@example.com", password: "securepassword") { user { roles } } }' }),
      });
      expect(await res.json()).toEqual({ data: { login: { user: { roles: ['ADMIN'] } } } });
    } finally {
      await later.stop();
    }
  }, 120_000); // three cold starts of the embedded database, one after the other
});
