import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { onPostgres } from '../support/database.js';
import { tempDataDir } from '../support/process.js';
import { useRunningServer } from '../support/running-server.js';

/**
 * ./scripts/user export and import (README: Bulk import and export), against a running server:
 * on the embedded database through its control socket, on PostgreSQL directly.
 */
const running = useRunningServer('cli-import-export-tests');
const { env } = running;

const user = (...args: string[]) => runCli('user', args, { env });
const withInput = (input: string, ...args: string[]) => runCli('user', args, { env, input });
const HEADER = 'name,email,roles,clients,status';

function expectOk(result: CliResult): void {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.code).toBe(0);
}

/** A users file in a directory of its own; returns its path. */
function writeFile(name: string, ...rows: string[]): string {
  const path = join(tempDataDir(), name);
  writeFileSync(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
}

describe('./scripts/user export', () => {
  it('writes every user as CSV (the header, roles and clients ;-separated, CRLF), and as the JSON records of --json', async () => {
    expectOk(await runCli('client', ['create', '--name', 'Export Client'], { env }));
    expectOk(await user('create', '--name', 'Export Admin', '--email', 'export.admin@example.com', '--password', 'a long passphrase', '--roles', 'admin,user', '--client-list', '1'));
    expectOk(await user('invite', '--name', 'Export Invited', '--email', 'export.invited@example.com'));
    const csv = await user('export');
    expectOk(csv);
    expect(csv.stdout).toBe(`${HEADER}\r\nExport Admin,export.admin@example.com,admin;user,Export Client,active\r\nExport Invited,export.invited@example.com,user,,invited\r\n`);
    const asJson = await user('export', '--format', 'json');
    expectOk(asJson);
    expect(JSON.parse(asJson.stdout)).toEqual(JSON.parse((await user('list', '--json')).stdout).items);
    expect(JSON.parse(asJson.stdout)[1]).toMatchObject({ email: 'export.invited@example.com', roles: ['user'], clientIds: [], status: 'invited' });
  });

  it('refuses another format', async () => {
    const result = await user('export', '--format', 'xml');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: Invalid values:\n  Argument: format, Given: "xml", Choices: "csv", "json"/);
  });
});

describe('./scripts/user import', () => {
  it('of what export wrote, from standard input, changes nothing and says so (exit 0)', async () => {
    const exported = (await user('export')).stdout;
    const result = await withInput(exported, 'import', '-');
    expectOk(result);
    expect(result.stdout).toBe('Nothing to change: 2 rows, every user as the system has them already\n');
  });

  it('from a file, with --json, prints exactly the report: each row with its line, action and changes, and the totals', async () => {
    const path = writeFile('users.csv', 'Export Admin Renamed,export.admin@example.com,admin;user,Export Client,', 'Cli New,cli.new@example.com,user,Export Client,', 'Export Invited,EXPORT.INVITED@example.com,user,,invited');
    const result = await user('import', path, '--json');
    expectOk(result);
    expect(JSON.parse(result.stdout)).toEqual({
      applied: true,
      rows: [
        { line: 2, email: 'export.admin@example.com', action: 'updated', changes: ['name'], error: null },
        { line: 3, email: 'cli.new@example.com', action: 'created', changes: [], error: null },
        { line: 4, email: 'export.invited@example.com', action: 'unchanged', changes: [], error: null },
      ],
      created: 1,
      updated: 1,
      unchanged: 1,
      errors: 0,
    });
    const listed = JSON.parse((await user('list', '--search', 'cli.new', '--json')).stdout);
    expect(listed.items[0]).toMatchObject({ name: 'Cli New', status: 'invited', clientIds: [1] });
  });

  it('prints a readable report: the rows that change, then the totals', async () => {
    const path = writeFile('readable.csv', 'Readable One,readable.one@example.com,user,,', 'Cli New,cli.new@example.com,admin,Export Client,', 'Export Invited,export.invited@example.com,user,,');
    const result = await user('import', path);
    expectOk(result);
    expect(result.stdout.split('\n').map((line) => line.trimEnd())).toEqual([
      'LINE  ACTION   EMAIL                     CHANGES OR ERROR',
      '2     created  readable.one@example.com  invited',
      '3     updated  cli.new@example.com       roles',
      'Imported 3 rows: 1 created (invited), 1 updated, 1 unchanged',
      '',
    ]);
  });

  it('with --dry-run reports what would change and changes nothing (exit 0)', async () => {
    const before = (await user('export')).stdout;
    const path = writeFile('dry.csv', 'Dry Run New,dry.run.new@example.com,user,,', 'Renamed In Dry Run,readable.one@example.com,user,,');
    const result = await user('import', path, '--dry-run', '--json');
    expectOk(result);
    expect(JSON.parse(result.stdout)).toMatchObject({ applied: false, created: 1, updated: 1, errors: 0 });
    expect((await user('import', path, '--dry-run')).stdout).toMatch(/\nDry run, nothing changed: 1 created \(invited\), 1 updated, 0 unchanged if imported\n$/);
    expect((await user('export')).stdout).toBe(before);
  });

  it('with any bad row imports nothing, names every bad row by line with its message, and exits 1', async () => {
    const before = (await user('export')).stdout;
    const path = writeFile('bad.csv', 'Fine Newcomer,fine.newcomer@example.com,user,,', 'Bad Role,bad.role@example.com,owner,,', 'Bad Client,bad.client@example.com,user,Nobody Inc,');
    const text = await user('import', path);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^3 +error +bad\.role@example\.com +roles: unknown role "owner"; known roles: admin, user$/m);
    expect(text.stdout).toMatch(/^4 +error +bad\.client@example\.com +clients: no client named "Nobody Inc"$/m);
    expect(text.stdout).toContain('Nothing was imported: 2 rows of 3 have errors');
    expect(text.stderr).toBe('Error: Nothing was imported: 2 of 3 rows have errors (lines 3, 4)\n');
    const asJson = await user('import', path, '--json');
    expect(asJson.code).toBe(1);
    const report = JSON.parse(asJson.stdout);
    expect(report).toMatchObject({ applied: false, created: 1, errors: 2 });
    expect(report.rows[1]).toEqual({ line: 3, email: 'bad.role@example.com', action: 'error', changes: [], error: 'roles: unknown role "owner"; known roles: admin, user' });
    expect((await user('import', path, '--dry-run')).code).toBe(1);
    expect((await user('export')).stdout).toBe(before);
  });

  it('refuses a missing file, and a file without the header, with one Error line (exit 1)', async () => {
    const missing = await user('import', join(tempDataDir(), 'nowhere.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: Cannot read .*nowhere\.csv: no such file\n$/);
    const headless = await withInput('Someone,someone@example.com,user,,\n', 'import', '-');
    expect(headless.code).toBe(1);
    expect(headless.stdout).toBe('');
    expect(headless.stderr).toBe('Error: file: must start with the header line "name,email,roles,clients,status", not "Someone,someone@example.com,user,,"\n');
  });

  it('takes a file of 5,000 rows, more than a megabyte, in one go (through the control socket on the embedded database), telling stderr it works on it', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `Bulk Person Number ${i}${' With A Rather Long Name'.repeat(6)},bulk.person.${i}@example.com,user,Export Client,`);
    const csv = `${[HEADER, ...rows].join('\r\n')}\r\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1024 * 1024);
    const result = await withInput(csv, 'import', '-', '--dry-run', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ applied: false, created: 5000, errors: 0 });
    expect(result.stderr).toMatch(/^Importing standard input: about 5000 rows/);
  });
});

describe.skipIf(onPostgres)('without a server', () => {
  it('exports and imports in its own process', async () => {
    const alone = { TRACKER_DATA_DIR: tempDataDir() };
    const path = writeFile('alone.csv', 'Alone Admin,alone@example.com,admin,,');
    const imported = await runCli('user', ['import', path, '--json'], { env: alone });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).created).toBe(1);
    expect((await runCli('user', ['export'], { env: alone })).stdout).toBe(`${HEADER}\r\nAlone Admin,alone@example.com,admin,,invited\r\n`);
  });
});
