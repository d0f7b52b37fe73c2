import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useRunningServer } from '../support/running-server.js';

/** ./scripts/user sessions, sign-out and unlock --address, against a running server. */
const running = useRunningServer('cli-sessions-tests');
const { env } = running;

const user = (...args: string[]) => runCli('user', args, { env });

async function gql(query: string, variables: Record<string, unknown>, token?: string, userAgent = 'a test') {
  const res = await fetch(`${running.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
}
const login = async (email: string, userAgent: string) =>
  (await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: 'a long passphrase' }, undefined, userAgent)).data.login.token as string;

describe('./scripts/user sessions and sign-out', () => {
  it('list where a user is signed in, newest first, then end every session at once', async () => {
    const made = JSON.parse((await user('create', '--name', 'Traveller', '--email', 'traveller@example.com', '--password', 'a long passphrase', '--json')).stdout);
    const tokens = [await login('traveller@example.com', 'Firefox'), await login('traveller@example.com', 'Safari')];

    const listed = await user('sessions', String(made.id), '--json');
    expect(listed.stderr).toBe('');
    const sessions = JSON.parse(listed.stdout);
    expect(sessions.map((s: { userAgent: string }) => s.userAgent)).toEqual(['Safari', 'Firefox']);
    expect(Object.keys(sessions[0])).toEqual(['id', 'createdAt', 'lastSeenAt', 'expiresAt', 'userAgent', 'address']);
    expect(typeof sessions[0].id).toBe('number');
    const table = await user('sessions', String(made.id));
    expect(table.stdout).toMatch(/^ID +SIGNED IN +LAST SEEN +EXPIRES +ADDRESS +USER AGENT\n/);
    expect(table.stdout).toContain('2 open sessions');

    const signedOut = await user('sign-out', String(made.id), '--json');
    expect(JSON.parse(signedOut.stdout)).toEqual({ id: made.id, revoked: 2 });
    for (const token of tokens) expect((await gql('{ me { id } }', {}, token)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.parse((await user('sessions', String(made.id), '--json')).stdout)).toEqual([]);
    expect((await user('sign-out', String(made.id))).stdout).toBe(`Signed out user ${made.id}: 0 sessions ended\n`);
  });

  it('say that a user does not exist, with exit code 3', async () => {
    for (const command of ['sessions', 'sign-out']) {
      const result = await user(command, '9999');
      expect(result.code).toBe(3);
      expect(result.stderr).toBe('Error: The user with this id does not exist in the system\n');
    }
  });
});

describe('./scripts/user unlock --address', () => {
  it('lets an address that failed too often sign in again, and refuses what is no address', async () => {
    const result = await user('unlock', '--address', '127.0.0.1', '--json');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ address: '127.0.0.1', failuresForgotten: expect.any(Number) });
    const bad = await user('unlock', '--address', 'not-an-address');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: --address: must be an IPv4 or IPv6 address\n');
    const neither = await user('unlock');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/^Error: Name a user_id or an --address/);
  });
});
