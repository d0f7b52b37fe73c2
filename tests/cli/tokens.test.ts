import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { onPostgres } from '../support/database.js';
import { tempDataDir } from '../support/process.js';
import { useRunningServer } from '../support/running-server.js';

/** ./scripts/token create, list and revoke (README: Scripting the API), against a running server and without one. */
const running = useRunningServer('cli-token-tests');
const { env } = running;

const token = (...args: string[]) => runCli('token', args, { env });
const user = (...args: string[]) => runCli('user', args, { env });

async function me(bearer: string): Promise<string> {
  const res = await fetch(`${running.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query: '{ me { email } }' }) });
  const body = (await res.json()) as { data?: { me: { email: string } }; errors?: { extensions: { code: string } }[] };
  return body.errors?.[0]?.extensions.code ?? body.data!.me.email;
}

async function makeUser(email: string): Promise<number> {
  return JSON.parse((await user('create', '--name', 'Script Owner', '--email', email, '--password', 'a long passphrase', '--json')).stdout).id;
}

describe('./scripts/token create', () => {
  it('prints the token once, which then works as its user', async () => {
    const id = await makeUser('owner@example.com');
    const made = await token('create', '--user', String(id), '--name', 'nightly sync', '--expires-in-days', '30');
    expect(made.code).toBe(0);
    const printed = made.stdout.match(/^trk_\S+$/m)?.[0];
    expect(printed).toBeDefined();
    expect(made.stdout).toMatch(/^Created API token \d+ "nightly sync" for user \d+, expiring \d{4}-\d\d-\d\dT.+\.\nStore it now: it is shown only this once\.\ntrk_/);
    expect(await me(printed!)).toBe('owner@example.com');
  });

  it('--json: {"token", "id", "name", "expiresAt"}, id a number, expiresAt null when it never expires', async () => {
    const id = await makeUser('json-owner@example.com');
    const made = await token('create', '--user', String(id), '--name', 'ci', '--json');
    expect(made.stderr).toBe('');
    const json = JSON.parse(made.stdout);
    expect(Object.keys(json)).toEqual(['token', 'id', 'name', 'expiresAt']);
    expect(json).toMatchObject({ token: expect.stringMatching(/^trk_/), id: expect.any(Number), name: 'ci', expiresAt: null });
    expect(await me(json.token)).toBe('json-owner@example.com');
  });

  it('refuses an unknown user (exit 3), a bad expiry (exit 1) and a suspended user (exit 4)', async () => {
    const unknown = await token('create', '--user', '999999', '--name', 'x');
    expect([unknown.code, unknown.stderr]).toEqual([3, 'Error: The user with this id does not exist in the system\n']);
    for (const days of ['0', 'ninety']) {
      const bad = await token('create', '--user', '1', '--name', 'x', '--expires-in-days', days);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^Error: .*1 to 3650/);
    }
    const id = await makeUser('suspended-owner@example.com');
    await user('suspend', String(id));
    const suspended = await token('create', '--user', String(id), '--name', 'x');
    expect([suspended.code, suspended.stderr]).toEqual([4, 'Error: Only an active user can have API tokens\n']);
  });
});

describe('./scripts/token list and revoke', () => {
  it("list every token or one user's, never a secret; revoke ends one at once", async () => {
    const id = await makeUser('lister@example.com');
    const first = JSON.parse((await token('create', '--user', String(id), '--name', 'first', '--json')).stdout);
    const second = JSON.parse((await token('create', '--user', String(id), '--name', 'second', '--expires-in-days', '7', '--json')).stdout);
    expect(await me(first.token)).toBe('lister@example.com');

    const listed = JSON.parse((await token('list', '--user', String(id), '--json')).stdout);
    expect(listed.map((t: { name: string }) => t.name)).toEqual(['second', 'first']);
    expect(Object.keys(listed[0])).toEqual(['id', 'userId', 'name', 'createdAt', 'expiresAt', 'lastUsedAt']);
    expect(listed[0]).toMatchObject({ id: second.id, userId: id, expiresAt: second.expiresAt, lastUsedAt: null });
    const table = await token('list');
    expect(table.stdout).toMatch(/^ID +USER +CREATED +EXPIRES +LAST USED +NAME\n/);
    expect(table.stdout).not.toContain(first.token.slice(-20));
    expect(JSON.stringify(listed)).not.toContain(first.token.slice(-20));

    const revoked = await token('revoke', String(first.id));
    expect([revoked.code, revoked.stdout]).toEqual([0, `Revoked API token ${first.id}\n`]);
    expect(await me(first.token)).toBe('UNAUTHENTICATED');
    expect(await me(second.token)).toBe('lister@example.com');
    const again = await token('revoke', String(first.id), '--json');
    expect([again.code, again.stdout, again.stderr]).toEqual([3, '', 'Error: The API token with this id does not exist in the system\n']);
    expect(JSON.parse((await token('revoke', String(second.id), '--json')).stdout)).toEqual({ id: second.id, revoked: true });
    expect((await token('list', '--user', String(id))).stdout).toBe('No API tokens\n');
  });

  it('a bad token id is a usage error (exit 1)', async () => {
    const res = await token('revoke', 'abc');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error: token_id must be a positive integer, not "abc"\n');
  });
});

describe.skipIf(onPostgres)('without a server', () => {
  it('makes, lists and revokes tokens in its own process', async () => {
    const alone = { TRACKER_DATA_DIR: tempDataDir() };
    const id = JSON.parse((await runCli('user', ['create', '--name', 'Alone', '--email', 'alone@example.com', '--password', 'a long passphrase', '--json'], { env: alone })).stdout).id;
    const made = JSON.parse((await runCli('token', ['create', '--user', String(id), '--name', 'offline', '--json'], { env: alone })).stdout);
    expect(made.token).toMatch(/^trk_/);
    expect(JSON.parse((await runCli('token', ['list', '--json'], { env: alone })).stdout).map((t: { id: number }) => t.id)).toEqual([made.id]);
    expect((await runCli('token', ['revoke', String(made.id)], { env: alone })).code).toBe(0);
  });
});
