import { describe, expect, it } from 'vitest';
import { totpCode } from '../../server/auth/totp.js';
import { runCli } from '../support/cli.js';
import { useRunningServer } from '../support/running-server.js';

/** ./scripts/user reset-2fa, for the person who lost their phone; `get` shows two-factor, --json does not. */
const running = useRunningServer('cli-two-factor-tests');
const { env } = running;

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${running.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
}
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

describe('./scripts/user reset-2fa', () => {
  it('turns a user’s two-factor off, so that they sign in with their password alone', async () => {
    const made = JSON.parse((await runCli('user', ['create', '--name', 'Lost Phone', '--email', 'lost@example.com', '--password', 'a long passphrase', '--json'], { env })).stdout);
    const token = (await gql(LOGIN, { e: 'lost@example.com', p: 'a long passphrase' })).data.login.token;
    const secret = (await gql('mutation { startTotpEnrollment { secret } }', {}, token)).data.startTotpEnrollment.secret;
    expect((await gql('mutation($c: String!) { confirmTotpEnrollment(code: $c) }', { c: totpCode(secret) }, token)).errors).toBeUndefined();
    expect((await gql(LOGIN, { e: 'lost@example.com', p: 'a long passphrase' })).errors?.[0]?.extensions.code).toBe('TWO_FACTOR_REQUIRED');

    expect((await runCli('user', ['get', String(made.id)], { env })).stdout).toMatch(/Two-factor: +on/);
    expect(Object.keys(JSON.parse((await runCli('user', ['get', String(made.id), '--json'], { env })).stdout))).not.toContain('twoFactorEnabled');

    const reset = await runCli('user', ['reset-2fa', String(made.id)], { env });
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toBe(`Two-factor authentication of user ${made.id} (lost@example.com) is off: they sign in with their password alone\n`);
    expect((await gql(LOGIN, { e: 'lost@example.com', p: 'a long passphrase' })).data?.login.token).toBeTruthy();
    expect((await runCli('user', ['get', String(made.id)], { env })).stdout).toMatch(/Two-factor: +off/);
    const unknown = await runCli('user', ['reset-2fa', '9999'], { env });
    expect(unknown.code).toBe(3);
  });
});
