import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, onPostgres } from '../support/database.js';
import { runCli } from '../support/cli.js';
import { spawnServer, tempDataDir, type SpawnedServer } from '../support/process.js';

/**
 * LOG_FORMAT=json (docs/operations.md): one JSON object per line, each GraphQL operation with its
 * name, outcome, duration and user, the request id on every record of a request; and never a
 * password, a token or a variable's value, whatever the run did.
 */
const PASSWORD = 'a-password-that-must-never-be-logged';
const NEW_PASSWORD = 'another-password-never-to-be-logged';
const WRONG_PASSWORD = 'a-wrong-guess-never-to-be-logged';
const SEARCHED = 'a-searched-value-never-to-be-logged';

let server: SpawnedServer;
let api: string;
let env: Record<string, string>;
let dropDatabase: (() => Promise<void>) | undefined;
let token: string;

beforeAll(async () => {
  env = { TRACKER_DATA_DIR: tempDataDir(), JWT_SECRET: 'json-log-tests-secret-'.repeat(2), LOG_FORMAT: 'json' };
  if (onPostgres) {
    const created = await createPostgresDatabase();
    env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
  }
  server = spawnServer(env);
  api = await server.ready();
});
afterAll(async () => {
  await server?.stop();
  await dropDatabase?.();
});

async function gql(operationName: string, query: string, variables: Record<string, unknown>, bearer?: string) {
  const res = await fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': `test-${operationName}`, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
}

describe('a run that signs in, guesses, changes a password and searches, in JSON', () => {
  beforeAll(async () => {
    const made = await runCli('user', ['create', '--name', 'Json Admin', '--email', 'json@example.com', '--password', PASSWORD, '--roles', 'admin', '--json'], { env });
    expect(made.stderr).toBe('');
    await gql('Guess', 'mutation Guess($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'json@example.com', p: WRONG_PASSWORD });
    token = (await gql('SignIn', 'mutation SignIn($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'json@example.com', p: PASSWORD })).data.login.token;
    await gql('Find', 'query Find($s: String) { users(search: $s) { total } }', { s: SEARCHED }, token);
    await gql('NewPassword', 'mutation NewPassword($i: UpdateMeInput!) { updateMe(input: $i) { id } }', { i: { password: NEW_PASSWORD, currentPassword: PASSWORD } }, token);
    await runCli('user', ['list', '--search', SEARCHED, '--json'], { env });
    // Wait for the records of the last requests to be written.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  const records = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');

  it('writes every line as one JSON object with time, level and msg', () => {
    const lines = records();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
      expect(Number.isNaN(Date.parse(record.time as string))).toBe(false);
    }
  });

  it('logs each GraphQL operation with its name, outcome, duration, user and request id', () => {
    const operations = records()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r.msg === 'GraphQL operation');
    expect(operations).toContainEqual(expect.objectContaining({ operation: 'Guess', outcome: 'UNAUTHENTICATED', userId: null, requestId: 'test-Guess', durationMs: expect.any(Number) }));
    expect(operations).toContainEqual(expect.objectContaining({ operation: 'SignIn', outcome: 'ok', requestId: 'test-SignIn' }));
    expect(operations).toContainEqual(expect.objectContaining({ operation: 'Find', outcome: 'ok', userId: 1, requestId: 'test-Find' }));
  });

  it.skipIf(onPostgres)("logs the CLI's operations through the control socket with their own request id", () => {
    const cli = records()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r.operation === 'users.list');
    expect(cli).toHaveLength(1);
    expect(cli[0]).toMatchObject({ outcome: 'ok', requestId: expect.stringMatching(/^cli-/) });
  });

  it('never writes a password, a token or a variable value', () => {
    const log = server.output();
    for (const secret of [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, SEARCHED, token]) expect(log, secret).not.toContain(secret);
  });
});
