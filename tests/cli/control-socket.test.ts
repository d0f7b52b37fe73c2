import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/db/data-dir-lock.js';
import { onPostgres } from '../support/database.js';
import { runCli } from '../support/cli.js';
import { spawnServer, tempDataDir } from '../support/process.js';

/**
 * The operator's control socket (the CLI's way into a server that holds the embedded database)
 * is reachable by the server's own OS user only, and the CLI speaks to no socket of anyone else:
 * it sends passwords through it.
 */
const NOBODY = 65534;

describe.skipIf(onPostgres)('the control socket', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('lives in a directory only the server user may enter, even when the data directory path is too long for a socket', async () => {
    const dataDir = join(tempDataDir(), 'a-data-directory-whose-path-is-longer-than-a-unix-socket-path-may-be'.repeat(2));
    mkdirSync(dataDir, { recursive: true });
    const server = spawnServer({ TRACKER_DATA_DIR: dataDir, JWT_SECRET: 'control-socket-tests-'.repeat(2) });
    cleanup.push(() => server.stop());
    await server.ready();

    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { controlSocket?: string };
    expect(typeof lock.controlSocket).toBe('string');
    const socket = lock.controlSocket!;
    const dir = statSync(dirname(socket));
    expect(dirname(socket)).not.toBe(tmpdir()); // never a name in the shared temporary directory itself
    expect(dir.uid).toBe(process.getuid!());
    expect(dir.mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);

    const env = { TRACKER_DATA_DIR: dataDir };
    const made = await runCli('user', ['create', '--name', 'Through The Socket', '--email', 'socket@example.com', '--password', 'a long passphrase', '--json'], { env });
    expect(made.stderr).toBe('');
    expect(JSON.parse(made.stdout)).toMatchObject({ id: 1, email: 'socket@example.com' });

    await server.stop();
    expect(() => statSync(dirname(socket))).toThrow(); // the directory goes with the server
  });

  it.skipIf(process.getuid?.() !== 0)('is refused by the CLI when another user owns it: no password reaches a stand-in', async () => {
    const dataDir = tempDataDir();
    // A live process holding the directory, and a socket where the CLI looks, owned by someone else.
    const holder: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    cleanup.push(() => holder.kill());
    const socket = join(dataDir, 'control.sock');
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: holder.pid, hostname: hostname(), purpose: 'a stand-in', since: new Date().toISOString(), controlSocket: socket }));
    let received = '';
    const standIn: Server = createServer((connection) => connection.on('data', (chunk) => (received += String(chunk))));
    await new Promise<void>((resolve) => standIn.listen(socket, resolve));
    cleanup.push(() => new Promise((resolve) => standIn.close(resolve)));
    chownSync(socket, NOBODY, NOBODY);

    const result = await runCli('user', ['create', '--name', 'Victim', '--email', 'victim@example.com', '--password', 'the secret password', '--json'], { env: { TRACKER_DATA_DIR: dataDir } });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: The control socket .* belongs to uid 65534, not to you/);
    expect(received).toBe('');
  });
});
