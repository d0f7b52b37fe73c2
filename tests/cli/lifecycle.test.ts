import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { useRunningServer } from '../support/running-server.js';

/** ./scripts/user invite, suspend, reactivate and list --status, against a running server; `status` in --json. */
const running = useRunningServer('cli-lifecycle-tests');
const { env } = running;

const user = (...args: string[]) => runCli('user', args, { env });
const json = (result: CliResult) => {
  expect(result.stderr, result.stdout).toBe('');
  return JSON.parse(result.stdout);
};

async function login(email: string, password: string): Promise<{ token?: string; message?: string }> {
  const res = await fetch(`${running.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data?: { login: { token: string } }; errors?: { message: string }[] };
  return { token: body.data?.login.token, message: body.errors?.[0]?.message };
}

describe('the lifecycle from the CLI', () => {
  it('invites a user, who is INVITED (and listed so) until they choose a password', async () => {
    json(await user('create', '--name', 'First Admin', '--email', 'first@example.com', '--password', 'a long passphrase', '--roles', 'admin', '--json'));
    const invited = json(await user('invite', '--name', 'Newcomer', '--email', 'newcomer@example.com', '--client-list', '', '--json'));
    expect(invited).toMatchObject({ name: 'Newcomer', email: 'newcomer@example.com', roles: ['user'], status: 'invited' });
    const text = await user('invite', '--name', 'Second', '--email', 'second@example.com');
    expect(text.stdout).toContain('second@example.com is emailed a link to choose a password');
    const listed = json(await user('list', '--status', 'invited', '--json'));
    expect(listed.items.map((u: { email: string }) => u.email)).toEqual(['newcomer@example.com', 'second@example.com']);
    expect((await login('newcomer@example.com', 'anything at all')).message).toBe('Incorrect email or password');
    const taken = await user('invite', '--name', 'Again', '--email', 'newcomer@example.com');
    expect(taken.code).toBe(4);
    expect(taken.stderr).toBe('Error: A user with this email already exists\n');
  });

  it('suspends a user, signing them out everywhere, and reactivates them', async () => {
    const made = json(await user('create', '--name', 'Leaving', '--email', 'leaving@example.com', '--password', 'a long passphrase', '--json'));
    const { token } = await login('leaving@example.com', 'a long passphrase');
    const suspended = json(await user('suspend', String(made.id), '--json'));
    expect(suspended.status).toBe('suspended');
    const me = await fetch(`${running.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { id } }"}' });
    expect(((await me.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await login('leaving@example.com', 'a long passphrase')).message).toBe('This account is suspended');
    expect(json(await user('get', String(made.id), '--json')).status).toBe('suspended');
    expect((await user('reactivate', String(made.id))).stdout).toBe(`Reactivated user ${made.id} (leaving@example.com): they can sign in again\n`);
    expect((await login('leaving@example.com', 'a long passphrase')).token).toBeTruthy();
  });

  it('refuses to suspend the last active admin (exit 4), and says an unknown status is no status', async () => {
    const refused = await user('suspend', '1');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^Error: This change would leave the system without an admin/);
    const bad = await user('list', '--status', 'sleeping');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--status/);
  });
});
