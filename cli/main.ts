/**
 * The operator CLI: `./scripts/user …`, `./scripts/client …`, `./scripts/token …` and `./scripts/audit …` (README: Operator CLI). It runs the same
 * services as the API, in this process, as the system actor: no server needs to be running. While
 * the server holds the embedded database, the commands run through it instead (cli/runtime.ts).
 */
import yargs from 'yargs';
import { auditCommands } from './commands/audit.commands.js';
import { clientCommands } from './commands/client.commands.js';
import { tokenCommands } from './commands/token.commands.js';
import { userCommands } from './commands/user.commands.js';
import { createCommandContext } from './command-context.js';
import { CliUsageError, processIo } from './output.js';

const GROUPS = { user: userCommands, client: clientCommands, token: tokenCommands, audit: auditCommands } as const;
type Group = keyof typeof GROUPS;
const isGroup = (name: string | undefined): name is Group => name !== undefined && Object.hasOwn(GROUPS, name);

async function main(args: string[]): Promise<number> {
  const [group, ...rest] = args;
  if (!isGroup(group)) {
    processIo.err('Usage: ./scripts/user <command>, ./scripts/client <command>, ./scripts/token <command> or ./scripts/audit list (add --help)\n');
    return 1;
  }
  const context = createCommandContext(processIo, process.env);
  const parser = yargs(rest)
    .scriptName(`./scripts/${group}`)
    .usage(`Usage: $0 <command> [options]`)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(null)
    .fail((message, error) => {
      throw error ?? new CliUsageError(message);
    });
  try {
    await GROUPS[group](parser, context).parseAsync();
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    const command = ['create', 'invite', 'update', 'delete', 'suspend', 'reactivate', 'unlock', 'reset-2fa', 'list', 'get', 'export', 'import', 'sessions', 'sign-out', 'revoke'].includes(rest[0] ?? '') ? ` ${rest[0]}` : '';
    processIo.err(`Error: ${error.message} (see ./scripts/${group}${command} --help)\n`);
    return 1;
  }
  return context.exitCode;
}

/** Exits once stdout has taken everything written to it: a pipe takes a large export or report in pieces, and exit would cut it. */
const exitWhenWritten = (code: number) => process.stdout.write('', () => process.exit(code));

main(process.argv.slice(2)).then(
  (code) => exitWhenWritten(code),
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
