import type { Argv } from 'yargs';
import { clientTable, clientText, examples, printJson } from '../output.js';
import type { CommandContext } from '../command-context.js';

/** ./scripts/client: create, update, delete, list, get. */
export function clientCommands(yargs: Argv, context: CommandContext): Argv {
  return yargs
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON on stdout, and nothing else there' })
    .command(
      'create',
      'Create a client',
      (y) => withName(y).demandOption('name').epilogue(examples([['Create a client:', './scripts/client create --name "Acme Corp"']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const client = await runtime.run('clients.create', { name: argv.name! });
          argv.json ? printJson(io, client) : io.out(`Created client ${client.id}\n${clientText(client)}`);
        }),
    )
    .command(
      'update <client_id>',
      'Rename a client',
      (y) =>
        withName(withClientId(y))
          .demandOption('name')
          .epilogue(examples([['Rename client 1:', './scripts/client update 1 --name "Acme Corporation"']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const client = await runtime.run('clients.update', { id: context.id(argv.client_id, 'client_id'), name: argv.name! });
          argv.json ? printJson(io, client) : io.out(`Updated client ${client.id}\n${clientText(client)}`);
        }),
    )
    .command(
      'delete <client_id>',
      'Delete a client (it leaves every client access list)',
      (y) => withClientId(y).epilogue(examples([['Delete client 1:', './scripts/client delete 1']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const id = await runtime.run('clients.delete', { id: context.id(argv.client_id, 'client_id') });
          argv.json ? printJson(io, { id, deleted: true }) : io.out(`Deleted client ${id}\n`);
        }),
    )
    .command(
      'list',
      'List every client',
      (y) => y.epilogue(examples([['All clients, by name:', './scripts/client list'], ['As JSON:', './scripts/client list --json']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const clients = await runtime.run('clients.list', undefined);
          argv.json ? printJson(io, clients) : io.out(clientTable(clients));
        }),
    )
    .command(
      'get <client_id>',
      'Show a client',
      (y) => withClientId(y).epilogue(examples([['Show client 1:', './scripts/client get 1']])),
      (argv) =>
        context.execute(async (runtime, io) => {
          const client = await runtime.run('clients.get', { id: context.id(argv.client_id, 'client_id') });
          argv.json ? printJson(io, client) : io.out(clientText(client));
        }),
    )
    .demandCommand(1, 'Name a command: create, update, delete, list or get');
}

function withClientId<T>(y: Argv<T>) {
  return y.positional('client_id', { type: 'string', describe: 'ID of the client', demandOption: true });
}

function withName<T>(y: Argv<T>) {
  return y.option('name', { type: 'string', describe: "The client's name (1 to 200 characters, unique)" });
}
