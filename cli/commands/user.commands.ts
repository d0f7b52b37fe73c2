import type { Argv } from 'yargs';
import { DomainError } from '../../server/domain/errors.js';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../server/domain/page.js';
import type { CreateUserData, UpdateUserData } from '../../server/services/user.service.js';
import type { CommandContext } from '../command-context.js';
import { CliUsageError, examples, importReportText, printJson, sessionTable, userTable, userText, type Io } from '../output.js';
import { toSessionRecord, toUserPageRecord, toUserRecord, userJson, userPageJson } from '../records.js';

/** ./scripts/user: create, update, delete, list, get. Each parses its flags and runs one operation. */
export function userCommands(yargs: Argv, context: CommandContext): Argv {
  return yargs
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON on stdout, and nothing else there' })
    .command(
      'create',
      'Create a user',
      (y) =>
        withUserFields(y)
          .demandOption('name')
          .demandOption('email')
          .epilogue(
            examples([
              ['Create a user:', './scripts/user create --name "Admin User" --email "admin@example.com" --password "securepassword" --roles admin,user'],
              [
                'With every parameter:',
                `./scripts/user create \\\n    --name "Admin User" \\\n    --email "admin@example.com" \\\n    --password "securepassword" \\\n    --roles admin,user \\\n    --client-list 1,2,3 \\\n    --notification-preferences '{"email":true,"ui":true}'`,
              ],
              [
                'Initial system setup (the first admin):',
                './scripts/user create \\\n    --name "Admin User" \\\n    --email "admin@example.com" \\\n    --password "securepassword" \\\n    --roles admin',
              ],
              ['Without the password on the command line:', 'printf %s "$PASSWORD" | ./scripts/user create --name "Ada" --email "ada@example.com" --password-stdin'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const password = await context.password(argv, true);
          const input: CreateUserData = {
            name: argv.name!,
            email: argv.email!,
            password: password!,
            roles: argv.roles === undefined ? undefined : splitList(argv.roles),
            clientIds: argv['client-list'] === undefined ? undefined : parseClientList(argv['client-list']),
            notificationPreferences: argv['notification-preferences'] === undefined ? undefined : parsePreferences(argv['notification-preferences']),
          };
          const user = toUserRecord(await runtime.run('users.create', { input }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Created user ${user.id}\n${userText(user)}`);
        }),
    )
    .command(
      'invite',
      'Invite a user: they are emailed a link to choose their own password',
      (y) =>
        y
          .option('name', { type: 'string', describe: "User's full name", demandOption: true })
          .option('email', { type: 'string', describe: "User's email address (the invitation goes there; used for login)", demandOption: true })
          .option('roles', { type: 'string', describe: 'Comma-separated roles: admin, user (default: user)' })
          .option('client-list', { type: 'string', describe: 'Comma-separated client IDs' })
          .option('notification-preferences', { type: 'string', describe: 'JSON such as {"email":true,"ui":true}' })
          .epilogue(
            examples([
              ['Invite a user to clients 1 and 2:', './scripts/user invite --name "Ada Lovelace" --email "ada@example.com" --client-list 1,2'],
              ['Invite an admin:', './scripts/user invite --name "Grace Hopper" --email "grace@example.com" --roles admin'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const user = toUserRecord(
            await runtime.run('users.invite', {
              input: {
                name: argv.name,
                email: argv.email,
                roles: argv.roles === undefined ? undefined : splitList(argv.roles),
                clientIds: argv['client-list'] === undefined ? undefined : parseClientList(argv['client-list']),
                notificationPreferences: argv['notification-preferences'] === undefined ? undefined : parsePreferences(argv['notification-preferences']),
              },
            }),
          );
          argv.json ? printJson(io, userJson(user)) : io.out(`Invited user ${user.id}: ${user.email} is emailed a link to choose a password\n${userText(user)}`);
        }),
    )
    .command(
      'suspend <user_id>',
      'Suspend a user: signed out everywhere at once, cannot sign in, keeps their data and history',
      (y) => withUserId(y).epilogue(examples([['Suspend user 3:', './scripts/user suspend 3']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const user = toUserRecord(await runtime.run('users.suspend', { id: context.id(argv.user_id, 'user_id') }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Suspended user ${user.id} (${user.email}): signed out everywhere, and cannot sign in\n`);
        }),
    )
    .command(
      'reactivate <user_id>',
      'Let a suspended user sign in again',
      (y) => withUserId(y).epilogue(examples([['Reactivate user 3:', './scripts/user reactivate 3']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const user = toUserRecord(await runtime.run('users.reactivate', { id: context.id(argv.user_id, 'user_id') }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Reactivated user ${user.id} (${user.email}): ${user.status === 'invited' ? 'still invited (no password yet)' : 'they can sign in again'}\n`);
        }),
    )
    .command(
      'update <user_id>',
      'Update a user: only the flags given change',
      (y) =>
        withUserFields(withUserId(y))
          .epilogue(
            examples([
              ['Rename and set a new password:', './scripts/user update 1 --name "Updated Name" --password "newpassword"'],
              ['Several parameters:', './scripts/user update 1 \\\n    --name "Updated Name" \\\n    --email "updated@example.com" \\\n    --roles admin,user'],
              ["Reset a user's password:", './scripts/user update 1 --password "newpassword"'],
              ['Grant admin privileges:', './scripts/user update 1 --roles admin,user'],
              ['Clear the client list:', './scripts/user update 1 --client-list ""'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const input: UpdateUserData = {
            name: argv.name,
            email: argv.email,
            password: await context.password(argv, false),
            roles: argv.roles === undefined ? undefined : splitList(argv.roles),
            clientIds: argv['client-list'] === undefined ? undefined : parseClientList(argv['client-list']),
            notificationPreferences: argv['notification-preferences'] === undefined ? undefined : parsePreferences(argv['notification-preferences']),
          };
          const user = toUserRecord(await runtime.run('users.update', { id: context.id(argv.user_id, 'user_id'), input }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Updated user ${user.id}\n${userText(user)}`);
        }),
    )
    .command(
      'delete <user_id>',
      'Delete a user',
      (y) => withUserId(y).epilogue(examples([['Delete user 1:', './scripts/user delete 1']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const id = await runtime.run('users.delete', { id: context.id(argv.user_id, 'user_id') });
          argv.json ? printJson(io, { id, deleted: true }) : io.out(`Deleted user ${id}\n`);
        }),
    )
    .command(
      'unlock [user_id]',
      'Let a user, or a network address, sign in again after too many failed attempts',
      (y) =>
        y
          .positional('user_id', { type: 'string', describe: 'ID of the user' })
          .option('address', { type: 'string', describe: 'A network address (IPv4 or IPv6) to stop slowing, instead of a user' })
          .check((argv) => {
            if ((argv.user_id === undefined) === (argv.address === undefined)) throw new CliUsageError('Name a user_id or an --address (one of them)');
            return true;
          })
          .epilogue(
            examples([
              ['Lift the lockout of user 1:', './scripts/user unlock 1'],
              ['Let an address that failed too often sign in again:', './scripts/user unlock --address 203.0.113.7'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          if (argv.address !== undefined) {
            const failures = await runtime.run('users.unlockAddress', { address: argv.address });
            argv.json ? printJson(io, { address: argv.address, failuresForgotten: failures }) : io.out(`Unlocked ${argv.address}: ${failures} recent failed sign-in${failures === 1 ? '' : 's'} from it forgotten\n`);
            return;
          }
          const user = toUserRecord(await runtime.run('users.unlock', { id: context.id(argv.user_id, 'user_id') }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Unlocked user ${user.id} (${user.email}): they can sign in again\n`);
        }),
    )
    .command(
      'reset-2fa <user_id>',
      "Turn a user's two-factor authentication off (they lost their device): they sign in with their password alone, and may set it up again",
      (y) => withUserId(y).epilogue(examples([['For user 4, who lost their phone:', './scripts/user reset-2fa 4']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const user = toUserRecord(await runtime.run('users.resetTwoFactor', { id: context.id(argv.user_id, 'user_id') }));
          argv.json ? printJson(io, userJson(user)) : io.out(`Two-factor authentication of user ${user.id} (${user.email}) is off: they sign in with their password alone\n`);
        }),
    )
    .command(
      'sessions <user_id>',
      "List a user's open sessions (where they are signed in), newest first",
      (y) => withUserId(y).epilogue(examples([["User 1's sessions:", './scripts/user sessions 1'], ['As JSON:', './scripts/user sessions 1 --json']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const sessions = (await runtime.run('sessions.list', { userId: context.id(argv.user_id, 'user_id') })).map(toSessionRecord);
          argv.json ? printJson(io, sessions) : io.out(sessionTable(sessions));
        }),
    )
    .command(
      'sign-out <user_id>',
      'End every open session of a user: each of their tokens stops working at once',
      (y) => withUserId(y).epilogue(examples([['Sign user 1 out everywhere:', './scripts/user sign-out 1']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const id = context.id(argv.user_id, 'user_id');
          const revoked = await runtime.run('sessions.revokeAll', { userId: id });
          argv.json ? printJson(io, { id, revoked }) : io.out(`Signed out user ${id}: ${revoked} session${revoked === 1 ? '' : 's'} ended\n`);
        }),
    )
    .command(
      'export',
      'Write every user to stdout: CSV for import (name,email,roles,clients,status), or JSON',
      (y) =>
        y
          .option('format', { choices: ['csv', 'json'] as const, default: 'csv' as const, describe: 'csv: the file import reads; json: an array of users as --json prints them' })
          .epilogue(
            examples([
              ['Every user, to edit in a spreadsheet and import again:', './scripts/user export > users.csv'],
              ['As JSON, for scripts:', './scripts/user export --format json'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          if (argv.format === 'json') printJson(io, (await runtime.run('users.listAll', { filters: {} })).map((u) => userJson(toUserRecord(u))));
          else io.out(await runtime.run('users.export', { filters: {} }));
        }),
    )
    .command(
      'import <file>',
      "Import users from a CSV file as export writes it, all or nothing: new emails are invited, existing users get the row's name, roles and clients",
      (y) =>
        y
          .positional('file', { type: 'string', describe: 'The CSV file (UTF-8, with or without BOM; CRLF or LF); - for standard input', demandOption: true })
          .option('dry-run', { type: 'boolean', describe: 'Report what the file would do, and change nothing' })
          .epilogue(
            examples([
              ['See what a file would change:', './scripts/user import users.csv --dry-run'],
              ['Import it:', './scripts/user import users.csv'],
              ['From standard input, with the report as JSON:', 'cat users.csv | ./scripts/user import - --json'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const dryRun = argv['dry-run'] === true;
          // yargs hands a lone "-" over as "".
          const file = argv.file === '' ? '-' : argv.file!;
          const csv = await context.file(file);
          const progress = startProgress(io, file, csv);
          const report = await runtime.run('users.import', { csv, dryRun });
          progress.done();
          argv.json ? printJson(io, report) : io.out(importReportText(report, dryRun));
          if (report.errors > 0) {
            const lines = report.rows.filter((r) => r.action === 'error').map((r) => r.line);
            const where = lines.length > 10 ? `${lines.slice(0, 10).join(', ')}, …` : lines.join(', ');
            throw new DomainError('BAD_USER_INPUT', `Nothing ${dryRun ? 'would be' : 'was'} imported: ${report.errors} of ${report.rows.length} rows ${report.errors === 1 ? 'has' : 'have'} errors (line${lines.length === 1 ? '' : 's'} ${where})`);
          }
        }),
    )
    .command(
      'list',
      'List users, a page at a time',
      (y) =>
        y
          .option('skip', { type: 'number', default: 0, describe: 'Number of users to skip' })
          .option('limit', { type: 'number', default: PAGE_LIMIT_DEFAULT, describe: `Maximum number of users to return (1 to ${PAGE_LIMIT_MAX})` })
          .option('search', { type: 'string', describe: 'Only users whose name or email contains this text (any case)' })
          .option('status', { type: 'string', describe: 'Only users with this status: active, invited or suspended' })
          .epilogue(
            examples([
              ['The first 100 users:', './scripts/user list'],
              ['The next page of users whose name or email contains "example.com":', './scripts/user list --skip 100 --limit 100 --search example.com'],
              ['Every user as JSON, for scripts:', './scripts/user list --limit 1000 --json'],
              ['Who has not accepted their invitation yet:', './scripts/user list --status invited'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const page = toUserPageRecord(await runtime.run('users.list', { query: { skip: argv.skip, limit: argv.limit, search: argv.search, status: argv.status } }));
          argv.json ? printJson(io, userPageJson(page)) : io.out(userTable(page));
        }),
    )
    .command(
      'get <user_id>',
      'Show a user',
      (y) => withUserId(y).epilogue(examples([['Show user 1:', './scripts/user get 1'], ['As JSON:', './scripts/user get 1 --json']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const user = toUserRecord(await runtime.run('users.get', { id: context.id(argv.user_id, 'user_id') }));
          argv.json ? printJson(io, userJson(user)) : io.out(userText(user));
        }),
    )
    .demandCommand(1, 'Name a command: create, invite, update, delete, suspend, reactivate, unlock, reset-2fa, list, get, export, import, sessions or sign-out');
}

function withUserId<T>(y: Argv<T>) {
  return y.positional('user_id', { type: 'string', describe: 'ID of the user', demandOption: true });
}

function withUserFields<T>(y: Argv<T>) {
  return y
    .option('name', { type: 'string', describe: "User's full name" })
    .option('email', { type: 'string', describe: "User's email address (used for login)" })
    .option('password', { type: 'string', describe: "User's password (8 to 72 bytes)" })
    .option('password-stdin', { type: 'boolean', describe: 'Read the password from standard input (one trailing newline is dropped)' })
    .option('roles', { type: 'string', describe: 'Comma-separated roles: admin, user (default on create: user)' })
    .option('client-list', { type: 'string', describe: 'Comma-separated client IDs ("" clears the list on update)' })
    .option('notification-preferences', { type: 'string', describe: 'JSON such as {"email":true,"ui":true}' })
    .conflicts('password', 'password-stdin');
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** "1,2,3" → [1, 2, 3]; "" → []. Anything but positive integers is refused here, before any work. */
function parseClientList(text: string): number[] {
  const parts = splitList(text);
  const bad = parts.filter((part) => !/^[1-9][0-9]*$/.test(part));
  if (bad.length > 0) throw new CliUsageError(`--client-list must be comma-separated client IDs (positive integers); not: ${bad.join(', ')}`);
  return parts.map(Number);
}

function parsePreferences(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliUsageError(`--notification-preferences must be JSON such as '{"email":true,"ui":false}'`);
  }
}

/** A file this large is worth a word on stderr while it is checked and applied, even when nobody watches a terminal. */
const LARGE_FILE_BYTES = 256 * 1024;

/**
 * Progress of an import on stderr (never on stdout, which --json keeps for the report): when
 * stderr is a terminal, or for a large file. The import is one transaction, so the steps are
 * "started" and "done".
 */
function startProgress(io: Io, file: string, csv: string): { done(): void } {
  const bytes = Buffer.byteLength(csv);
  if (!io.errIsTerminal && bytes < LARGE_FILE_BYTES) return { done: () => undefined };
  const started = Date.now();
  const lines = csv.split('\n').filter((line) => line.trim() !== '').length - 1;
  io.err(`Importing ${file === '-' ? 'standard input' : file}: about ${lines} row${lines === 1 ? '' : 's'} (${(bytes / 1024).toFixed(0)} KiB), checked then applied in one transaction…\n`);
  return { done: () => io.err(`Checked ${lines === 1 ? 'the row' : 'the rows'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`) };
}
