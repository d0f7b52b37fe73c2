import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_ROWS } from '../../server/domain/limits.js';
import { login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startMailingTestServer, type MailingTestServer } from '../support/mailing-server.js';
import type { TestServer } from '../support/server.js';
import type { TestSmtpServer } from '../support/smtp.js';

/**
 * Bulk import and export of users (schema.graphql: exportUsers, importUsers; README: Bulk import
 * and export): the file `name,email,roles,clients,status`, a round trip that changes nothing, one
 * transaction that applies the whole file or nothing, and a report naming every bad row by line.
 */
let mailing: MailingTestServer;
let server: TestServer;
let smtp: TestSmtpServer;
let adminToken: string;

beforeAll(async () => {
  mailing = await startMailingTestServer();
  ({ server, smtp } = mailing);
  const admin = await makeAdmin(server, { name: 'Ivy Importer', email: 'ivy@example.com' });
  adminToken = await login(server, admin.email);
});
afterAll(() => mailing?.close());

const EXPORT = 'query($search: String, $status: UserStatus, $clientId: ID) { exportUsers(search: $search, status: $status, clientId: $clientId) }';
const IMPORT = 'mutation($csv: String!, $dryRun: Boolean) { importUsers(csv: $csv, dryRun: $dryRun) { applied created updated unchanged errors rows { line email action changes error } } }';
const HEADER = 'name,email,roles,clients,status';

interface Report {
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  rows: { line: number; email: string; action: string; changes: string[]; error: string | null }[];
}

async function exportUsers(variables: Record<string, unknown> = {}): Promise<string> {
  const res = await server.gql<{ exportUsers: string }>(EXPORT, variables, adminToken);
  expect(res.errors).toBeUndefined();
  return res.data!.exportUsers;
}

async function importUsers(csv: string, dryRun?: boolean): Promise<Report> {
  const res = await server.gql<{ importUsers: Report }>(IMPORT, { csv, dryRun }, adminToken);
  expect(res.errors).toBeUndefined();
  return res.data!.importUsers;
}

const file = (...rows: string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;
/** The rows of an export for these emails only, in the file's order. */
const rowsFor = (csv: string, ...emails: string[]) => csv.split('\r\n').filter((line) => emails.some((e) => line.includes(`,${e},`)));

/** Everything about the users that an import may touch, to compare before and after. */
async function snapshot(): Promise<unknown> {
  const users = await server.services.users.listAll(server.system());
  const links = await server.db.database.orm.em.fork().getConnection().execute('select count(*)::int as n from "user_links"');
  const outbox = await server.db.database.orm.em.fork().getConnection().execute('select count(*)::int as n from "outbox_emails"');
  return { users: users.map((u) => ({ ...u, updatedAt: u.updatedAt.toISOString() })), links, outbox };
}

describe('exportUsers', () => {
  it('writes the header and one row per user: roles lower case, clients by name, both ;-separated, the status as the CLI spells it; RFC 4180 quoting and CRLF', async () => {
    const acme = await makeClient(server, 'Acme, Inc.');
    const beta = await makeClient(server, 'Beta "Quoted"');
    await makeUser(server, { name: 'Exported One', email: 'exported.one@example.com', roles: ['admin', 'user'], clientIds: [beta.id, acme.id] });
    const csv = await exportUsers({ search: 'exported.one' });
    expect(csv).toBe(`${HEADER}\r\nExported One,exported.one@example.com,admin;user,"Acme, Inc.;Beta ""Quoted""",active\r\n`);
  });

  it('lists the users that users lists with the same search, status and client filters', async () => {
    const gamma = await makeClient(server, 'Gamma Filter');
    await makeUser(server, { name: 'Filter Active', email: 'filter.active@example.com', clientIds: [gamma.id] });
    await makeUser(server, { name: 'Filter Other', email: 'filter.other@example.com' });
    await server.services.users.invite(server.system(), { name: 'Filter Invited', email: 'filter.invited@example.com', clientIds: [gamma.id] });
    const emailsOf = (csv: string) => csv.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[1]);
    expect(emailsOf(await exportUsers({ search: 'filter.' }))).toEqual(['filter.active@example.com', 'filter.other@example.com', 'filter.invited@example.com']);
    expect(emailsOf(await exportUsers({ search: 'filter.', status: 'INVITED' }))).toEqual(['filter.invited@example.com']);
    expect(emailsOf(await exportUsers({ clientId: String(gamma.id) }))).toEqual(['filter.active@example.com', 'filter.invited@example.com']);
    const listed = await server.gql('{ users(search: "filter.", limit: 1000) { items { email } } }', {}, adminToken);
    expect(emailsOf(await exportUsers({ search: 'filter.' }))).toEqual(listed.data!.users.items.map((u: { email: string }) => u.email));
  });

  it('refuses a user who is not an admin (FORBIDDEN), and a bad filter as users does', async () => {
    const { token } = await signedIn(server);
    const res = await server.gql(EXPORT, {}, token);
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const bad = await server.gql(EXPORT, { clientId: 'x' }, adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { clientId: 'must be a positive integer' } });
  });
});

describe('importUsers', () => {
  it('of the file that exportUsers wrote changes nothing, and reports every row unchanged', async () => {
    const csv = await exportUsers();
    const before = await snapshot();
    const report = await importUsers(csv);
    expect(report).toMatchObject({ applied: true, created: 0, updated: 0, errors: 0 });
    expect(report.unchanged).toBe(csv.trimEnd().split('\r\n').length - 1);
    expect(report.rows.every((r) => r.action === 'unchanged' && r.changes.length === 0 && r.error === null)).toBe(true);
    expect(report.rows[0]!.line).toBe(2);
    expect(await snapshot()).toEqual(before);
  });

  it("gives existing users the row's name, roles and clients, matching the email whatever its case, and reports what changes", async () => {
    const north = await makeClient(server, 'North Import');
    const south = await makeClient(server, 'South Import');
    const changing = await makeUser(server, { name: 'Before Name', email: 'changing@example.com', clientIds: [north.id] });
    await makeUser(server, { name: 'Roles Only', email: 'roles.only@example.com' });
    await makeUser(server, { name: 'Same Again', email: 'same.again@example.com', clientIds: [south.id] });
    const report = await importUsers(
      file('After Name,CHANGING@Example.com,user,south import;North Import,active', 'Roles Only,roles.only@example.com,admin;user,,', 'Same Again,same.again@example.com,user,South Import,'),
    );
    expect(report).toMatchObject({ applied: true, created: 0, updated: 2, unchanged: 1, errors: 0 });
    expect(report.rows).toEqual([
      { line: 2, email: 'changing@example.com', action: 'updated', changes: ['name', 'clients'], error: null },
      { line: 3, email: 'roles.only@example.com', action: 'updated', changes: ['roles'], error: null },
      { line: 4, email: 'same.again@example.com', action: 'unchanged', changes: [], error: null },
    ]);
    const after = await server.services.users.get(server.system(), changing.id);
    expect(after).toMatchObject({ name: 'After Name', email: 'changing@example.com', roles: ['user'] });
    expect(after.clients.map((c) => c.name)).toEqual(['North Import', 'South Import']);
    expect((await exportUsers({ search: 'roles.only' })).split('\r\n')[1]).toBe('Roles Only,roles.only@example.com,admin;user,,active');
  });

  it('records each change in the audit log as updateUser and inviteUser do, and the import itself', async () => {
    const user = await makeUser(server, { name: 'Audited Before', email: 'audited@example.com' });
    await importUsers(file('Audited After,audited@example.com,user,,', 'Audited New,audited.new@example.com,user,,'));
    const log = await server.services.audit.list(server.system(), { limit: 3 });
    expect(log.items.map((e) => [e.action, e.targetLabel, e.channel])).toEqual([
      ['user.import', null, 'api'],
      ['user.update', 'audited@example.com', 'api'],
      ['user.invite', 'audited.new@example.com', 'api'],
    ]);
    expect(log.items[0]!.changes).toEqual({ rows: '2', created: '1 invited', updated: '1', unchanged: '0' });
    expect(log.items[1]!.changes).toEqual({ name: { from: 'Audited Before', to: 'Audited After' } });
    expect(log.items[1]!.targetId).toBe(String(user.id));
  });

  it('invites a new email: INVITED, and the invitation email arrives through the outbox as inviteUser sends it', async () => {
    const client = await makeClient(server, 'Invitation Import');
    const report = await importUsers(file('Nora New,nora.new@example.com,user,Invitation Import,', 'Ned New,NED.NEW@example.com,user,,invited'));
    expect(report).toMatchObject({ applied: true, created: 2, errors: 0 });
    expect(report.rows.map((r) => [r.email, r.action])).toEqual([
      ['nora.new@example.com', 'created'],
      ['ned.new@example.com', 'created'],
    ]);
    const [nora] = (await server.services.users.list(server.system(), { search: 'nora.new' })).items;
    expect(nora).toMatchObject({ name: 'Nora New', status: 'invited', roles: ['user'], clients: [{ id: client.id }] });
    await expect.poll(() => smtp.received.filter((e) => e.to.includes('nora.new@example.com') || e.to.includes('ned.new@example.com')).length, { timeout: 10_000 }).toBe(2);
    const email = smtp.received.find((e) => e.to.includes('nora.new@example.com'))!;
    expect(email.subject).toBe('Ivy Importer invited you to the Tracker System');
    expect(email.text).toContain('Hello Nora New,');
    expect(email.text).toContain('as a user with access to Invitation Import');
    const token = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(email.text)![1]!;
    const accepted = await server.gql('mutation($t: String!) { acceptInvitation(token: $t, password: "a long passphrase") { user { email status } } }', { t: token });
    expect(accepted.data!.acceptInvitation.user).toEqual({ email: 'nora.new@example.com', status: 'ACTIVE' });
  });

  it('changes nothing when any row is bad, and names every bad row by its line with the API messages', async () => {
    await makeUser(server, { name: 'Kept As Is', email: 'kept@example.com' });
    const before = await snapshot();
    const report = await importUsers(
      file(
        'Kept Renamed,kept@example.com,user,,',
        'Bad Role,bad.role@example.com,owner,,',
        'Bad Client,bad.client@example.com,user,No Such Client;Acme Missing,',
        'Bad Email,not-an-email,user,,',
        ',empty.name@example.com,user,,',
        `${'x'.repeat(201)},long.name@example.com,user,,`,
        'Wrong Status,kept@example.com,user,,suspended',
        'Fine New,fine.new@example.com,user,,',
        'Too,few,columns',
      ),
    );
    expect(report).toMatchObject({ applied: false, created: 1, updated: 1, errors: 7 });
    expect(report.rows.filter((r) => r.action === 'error').map((r) => [r.line, r.error])).toEqual([
      [3, 'roles: unknown role "owner"; known roles: admin, user'],
      [4, 'clients: no client named "No Such Client", "Acme Missing"'],
      [5, 'email: must be a valid email address'],
      [6, 'name: must not be empty'],
      [7, 'name: must be at most 200 characters'],
      [8, 'email: is also on line 2: a user appears once in a file; status: is active, not suspended: an import changes no status (leave it empty)'],
      [10, 'has 3 columns; a row has 5: name,email,roles,clients,status'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an email twice in one file on the later line, naming the first, whatever the case', async () => {
    const report = await importUsers(file('Twice A,twice@example.com,user,,', 'Other,other.once@example.com,user,,', 'Twice B,Twice@Example.com,user,,'));
    expect(report.applied).toBe(false);
    expect(report.rows.map((r) => r.action)).toEqual(['created', 'created', 'error']);
    expect(report.rows[2]).toMatchObject({ line: 4, email: 'twice@example.com', error: 'email: is also on line 2: a user appears once in a file' });
  });

  it('applies the last-admin rule to the whole file: demoting every active admin is refused, demoting all but one is not', async () => {
    const second = await makeAdmin(server, { name: 'Second Admin', email: 'second.admin@example.com' });
    const everyAdmin = await server.services.users.listAll(server.system(), { status: 'active' });
    const admins = everyAdmin.filter((u) => u.roles.includes('admin'));
    const demoteAll = file(...admins.map((a) => `${a.name},${a.email},user,,`));
    const refused = await importUsers(demoteAll);
    expect(refused.applied).toBe(false);
    expect(refused.rows.every((r) => r.action === 'error' && r.error!.startsWith('This change would leave the system without an admin'))).toBe(true);
    const demoteOne = await importUsers(file(`${second.name},${second.email},user,,`));
    expect(demoteOne).toMatchObject({ applied: true, updated: 1 });
  });

  it('with dryRun reports the same and changes nothing, sends nothing', async () => {
    await makeUser(server, { name: 'Dry Before', email: 'dry@example.com' });
    const csv = file('Dry After,dry@example.com,user,,', 'Dry New,dry.new@example.com,user,,');
    const before = await snapshot();
    const dry = await importUsers(csv, true);
    expect(dry).toMatchObject({ applied: false, created: 1, updated: 1, unchanged: 0, errors: 0 });
    expect(dry.rows.map((r) => [r.action, r.changes])).toEqual([
      ['updated', ['name']],
      ['created', []],
    ]);
    expect(await snapshot()).toEqual(before);
    const real = await importUsers(csv);
    expect({ ...real, applied: false }).toEqual(dry);
    expect(real.applied).toBe(true);
  });

  it('reads a file with a byte-order mark and CRLF, or LF, line ends; blank lines are skipped and a quoted field may span lines', async () => {
    const withBom = `\uFEFF${HEADER}\r\nBom Person,bom@example.com,user,,\r\n\r\nLf Person,lf@example.com,user,,\n`;
    const report = await importUsers(withBom);
    expect(report.rows.map((r) => [r.line, r.email, r.action])).toEqual([
      [2, 'bom@example.com', 'created'],
      [4, 'lf@example.com', 'created'],
    ]);
    const spanning = await importUsers(`${HEADER}\n"Two\nLines",span@example.com,user,,\nAfter,after.span@example.com,,,\n`, true);
    expect(spanning.rows.map((r) => [r.line, r.error])).toEqual([
      [2, 'name: must not contain control characters (a line break, a tab, ...)'],
      [4, 'roles: must name at least one role'],
    ]);
  });

  it('refuses a file without the header, or that is not CSV, naming what is expected (BAD_USER_INPUT, fields.csv)', async () => {
    const wrong = await server.gql(IMPORT, { csv: 'email,name\nx@example.com,X\n' }, adminToken);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { csv: 'must start with the header line "name,email,roles,clients,status", not "email,name"' } });
    const empty = await server.gql(IMPORT, { csv: '' }, adminToken);
    expect(empty.errors?.[0]?.extensions.fields).toEqual({ csv: 'is empty: it must start with the header line "name,email,roles,clients,status"' });
    const broken = await server.gql(IMPORT, { csv: `${HEADER}\n"unclosed,a@example.com,user,,\n` }, adminToken);
    expect(broken.errors?.[0]?.extensions.fields?.csv).toMatch(/^is not valid CSV: Quote Not Closed/);
  });

  it(`refuses more than ${IMPORT_MAX_ROWS} rows in one file, before reading any user`, async () => {
    const rows = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `Many ${i},many.${i}@example.com,user,,`);
    const res = await server.gql(IMPORT, { csv: file(...rows), dryRun: true }, adminToken);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { csv: `has ${IMPORT_MAX_ROWS + 1} rows; an import takes at most ${IMPORT_MAX_ROWS} (split the file)` } });
  });

  it('takes a file of 5,000 rows of long names and many clients in one request (larger than the megabyte a request used to be allowed)', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => makeClient(server, `Large File Client Number ${i} With A Long Name`)));
    const clientCell = clients.map((c) => c.name).join(';');
    const rows = Array.from({ length: 5000 }, (_, i) => `Large File Person Number ${i} With A Fairly Long Full Name,large.file.person.${i}@example.com,user,${clientCell},`);
    const csv = file(...rows);
    expect(Buffer.byteLength(JSON.stringify({ query: IMPORT, variables: { csv, dryRun: true } }))).toBeGreaterThan(1024 * 1024);
    const report = await importUsers(csv, true);
    expect(report).toMatchObject({ applied: false, created: 5000, errors: 0 });
    expect(report.rows.at(-1)).toMatchObject({ line: 5001, email: 'large.file.person.4999@example.com', action: 'created' });
  });

  it('refuses a user who is not an admin (FORBIDDEN)', async () => {
    const { token } = await signedIn(server);
    const res = await server.gql(IMPORT, { csv: file('Sneaky,sneaky@example.com,admin,,') }, token);
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await server.services.users.list(server.system(), { search: 'sneaky' })).total).toBe(0);
  });
});

describe('cells a spreadsheet would run as formulas', () => {
  const risky = ['=HYPERLINK("http://evil.test")', '+1', '-2', '@SUM(A1)', "'=already quoted", "''+two quotes", "'plain quote", 'plain'];

  it('are exported with a leading apostrophe, which import takes off again: the round trip changes nothing', async () => {
    const client = await makeClient(server, '=Formula Client');
    for (const [i, name] of risky.entries()) await makeUser(server, { name, email: `formula.${i}@example.com`, clientIds: [client.id] });
    const csv = await exportUsers({ search: 'formula.' });
    expect(csv.split('\r\n').slice(1, -1)).toEqual([
      `"'=HYPERLINK(""http://evil.test"")",formula.0@example.com,user,'=Formula Client,active`,
      `'+1,formula.1@example.com,user,'=Formula Client,active`,
      `'-2,formula.2@example.com,user,'=Formula Client,active`,
      `'@SUM(A1),formula.3@example.com,user,'=Formula Client,active`,
      `''=already quoted,formula.4@example.com,user,'=Formula Client,active`,
      `'''+two quotes,formula.5@example.com,user,'=Formula Client,active`,
      `'plain quote,formula.6@example.com,user,'=Formula Client,active`,
      `plain,formula.7@example.com,user,'=Formula Client,active`,
    ]);
    const report = await importUsers(csv);
    expect(report.rows.map((r) => r.action)).toEqual(risky.map(() => 'unchanged'));
    const names = (await server.services.users.listAll(server.system(), { search: 'formula.' })).map((u) => u.name);
    expect(names).toEqual(risky);
  });

  it('and a client name with the list separator in it round-trips too', async () => {
    await makeClient(server, 'Semi;Colon\\Client');
    const csv = file('Semi User,semi@example.com,user,Semi\\;Colon\\\\Client,');
    expect((await importUsers(csv)).created).toBe(1);
    expect(rowsFor(await exportUsers({ search: 'semi@' }), 'semi@example.com')).toEqual(['Semi User,semi@example.com,user,Semi\\;Colon\\\\Client,invited']);
  });
});
