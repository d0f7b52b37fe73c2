import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useRunningServer } from '../support/running-server.js';

/**
 * README, "Scripting the API": its three snippets, as written there, pasted into a shell and a
 * file against a running server: a token from ./scripts/token, curl with it, and the Node script
 * that lists users and renames one (and says what went wrong when the token no longer works).
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

function snippets(): { token: string; curl: string; script: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Scripting the API'), readme.indexOf('\n## ', readme.indexOf('## Scripting the API') + 5));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2]! }));
  expect(blocks.map((b) => b.lang)).toEqual(['sh', 'sh', 'js']);
  return { token: blocks[0]!.code, curl: blocks[1]!.code, script: blocks[2]!.code };
}

const running = useRunningServer('readme-scripting-tests');
const { env } = running;

beforeAll(async () => {
  // The README's user 1: the first admin.
  await runCli('user', ['create', '--name', 'Admin User', '--email', 'admin@example.com', '--password', 'securepassword', '--roles', 'admin'], { env });
  await runCli('user', ['create', '--name', 'Ada Lovelace', '--email', 'ada@example.com', '--password', 'a long passphrase'], { env });
});

describe('README: Scripting the API', () => {
  it('the token, curl and Node snippets work as pasted', async () => {
    const { token, curl, script } = snippets();
    const shell = { ...process.env, ...env };
    // The snippets speak to the default address; this server listens elsewhere.
    const here = (code: string) => code.replaceAll('http://127.0.0.1:4000', running.api);

    const made = await run('bash', ['-euo', 'pipefail', '-c', `${token}\nprintf %s "$TRACKER_TOKEN"`], { cwd: root, env: shell });
    const apiToken = made.stdout;
    expect(apiToken).toMatch(/^trk_\d+_[A-Za-z0-9_-]{43}$/);

    const listed = await run('bash', ['-euo', 'pipefail', '-c', here(curl)], { cwd: root, env: { ...shell, TRACKER_TOKEN: apiToken } });
    expect(JSON.parse(listed.stdout)).toMatchObject({ data: { users: { total: 2, items: [{ email: 'admin@example.com', roles: ['ADMIN'] }, { email: 'ada@example.com' }] } } });

    const file = join(mkdtempSync(join(tmpdir(), 'readme-')), 'rename-user.mjs');
    writeFileSync(file, script);
    const scriptEnv = { PATH: process.env.PATH!, TRACKER_URL: running.api, TRACKER_TOKEN: apiToken };
    const renamed = await run(process.execPath, [file, 'Ada@Example.com', 'Ada King'], { env: scriptEnv });
    expect(renamed.stdout).toMatch(/^1\tadmin@example.com\tAdmin User\tACTIVE\n2\tada@example.com\tAda Lovelace\tACTIVE\nRenamed user 2 to Ada King\n$/);
    const shown = JSON.parse((await runCli('user', ['get', '2', '--json'], { env })).stdout);
    expect(shown.name).toBe('Ada King');

    const missing = await run(process.execPath, [file, 'nobody@example.com', 'x'], { env: scriptEnv }).catch((error) => error);
    expect([missing.code, missing.stderr]).toEqual([3, 'No user has the email nobody@example.com\n']);
    const bad = await run(process.execPath, [file, 'ada@example.com', '   '], { env: scriptEnv }).catch((error) => error);
    expect([bad.code, bad.stderr]).toEqual([1, 'BAD_USER_INPUT: name: must not be empty\n']);

    const id = apiToken.split('_')[1]!;
    await runCli('token', ['revoke', id], { env });
    const revoked = await run(process.execPath, [file, 'ada@example.com', 'Ada Byron'], { env: scriptEnv }).catch((error) => error);
    expect([revoked.code, revoked.stderr]).toEqual([1, 'UNAUTHENTICATED: the token is unknown, revoked or expired, or its user is suspended: make a new one\n']);
  });
});
