import type { Argv } from 'yargs';
import { API_TOKEN_MAX_DAYS } from '../../server/domain/limits.js';
import { CliUsageError, apiTokenTable, examples, printJson } from '../output.js';
import type { CommandContext } from '../command-context.js';

/** ./scripts/token: create, list, revoke (API tokens for scripts; README: Scripting the API). */
export function tokenCommands(yargs: Argv, context: CommandContext): Argv {
  return yargs
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON on stdout, and nothing else there' })
    .command(
      'create',
      'Make an API token that acts as a user (printed once: only its hash is kept)',
      (y) =>
        y
          .option('user', { type: 'string', describe: 'ID of the user the token acts as', demandOption: true })
          .option('name', { type: 'string', describe: 'What the token is for (1 to 200 characters)', demandOption: true })
          .option('expires-in-days', { type: 'number', describe: `Days until it expires (1 to ${API_TOKEN_MAX_DAYS}); left out, it never expires` })
          .epilogue(
            examples([
              ['A token for user 2 that works for 90 days:', './scripts/token create --user 2 --name "nightly sync" --expires-in-days 90'],
              ['Only the token, into a variable:', 'TOKEN=$(./scripts/token create --user 2 --name ci --json | node -p "JSON.parse(require(\'fs\').readFileSync(0)).token")'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const days = argv['expires-in-days'];
          // yargs reads "ninety" as NaN, which JSON would carry as null: "never expires".
          if (days !== undefined && !Number.isFinite(days)) throw new CliUsageError(`--expires-in-days must be a number of days from 1 to ${API_TOKEN_MAX_DAYS}`);
          const created = await runtime.run('apiTokens.create', { userId: context.id(argv.user, '--user'), input: { name: argv.name, expiresInDays: days === undefined ? null : days } });
          const { apiToken } = created;
          if (argv.json) return printJson(io, { token: created.token, id: apiToken.id, name: apiToken.name, expiresAt: apiToken.expiresAt });
          io.out(
            `Created API token ${apiToken.id} "${apiToken.name}" for user ${apiToken.userId}, ${apiToken.expiresAt ? `expiring ${apiToken.expiresAt}` : 'never expiring'}.\n` +
              `Store it now: it is shown only this once.\n${created.token}\n`,
          );
        }),
    )
    .command(
      'list',
      'List the API tokens that are not revoked (never their secrets), newest first',
      (y) =>
        y
          .option('user', { type: 'string', describe: "Only this user's tokens (ID)" })
          .epilogue(examples([['Every token:', './scripts/token list'], ["User 2's tokens, as JSON:", './scripts/token list --user 2 --json']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const tokens = await runtime.run('apiTokens.list', { userId: argv.user === undefined ? null : context.id(argv.user, '--user') });
          argv.json ? printJson(io, tokens) : io.out(tokens.length === 0 ? 'No API tokens\n' : apiTokenTable(tokens));
        }),
    )
    .command(
      'revoke <token_id>',
      'Revoke an API token: it stops working at once',
      (y) =>
        y
          .positional('token_id', { type: 'string', describe: 'ID of the token (from list)', demandOption: true })
          .epilogue(examples([['Revoke token 3:', './scripts/token revoke 3']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const id = context.id(argv.token_id, 'token_id');
          await runtime.run('apiTokens.revoke', { id });
          argv.json ? printJson(io, { id, revoked: true }) : io.out(`Revoked API token ${id}\n`);
        }),
    )
    .demandCommand(1, 'Name a command: create, list or revoke');
}
