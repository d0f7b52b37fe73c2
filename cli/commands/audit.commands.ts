import type { Argv } from 'yargs';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../server/domain/page.js';
import type { AuditEntryData, Wire } from '../../server/operator/operations.js';
import type { CommandContext } from '../command-context.js';
import { CliUsageError, examples, printJson, table } from '../output.js';

/** ./scripts/audit list: the audit log, newest first, with the same filters as the API's auditLog. */
export function auditCommands(yargs: Argv, context: CommandContext): Argv {
  return yargs
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON on stdout, and nothing else there' })
    .command(
      'list',
      'Show the audit log, newest first',
      (y) =>
        y
          .option('actor', { type: 'string', describe: 'Only what this user id did' })
          .option('target', { type: 'string', describe: 'Only what happened to this record: user:<id>, client:<id> or ticket:<id> (or just user, client, ticket)' })
          .option('action', { type: 'string', describe: 'Only this action, e.g. user.update, login.failure' })
          .option('from', { type: 'string', describe: 'At or after this time (ISO 8601, e.g. 2026-11-26 or 2026-11-26T09:00:00Z)' })
          .option('to', { type: 'string', describe: 'At or before this time (ISO 8601)' })
          .option('skip', { type: 'number', default: 0, describe: 'Number of entries to skip' })
          .option('limit', { type: 'number', default: PAGE_LIMIT_DEFAULT, describe: `Maximum number of entries (1 to ${PAGE_LIMIT_MAX})` })
          .epilogue(
            examples([
              ['The latest 100 entries:', './scripts/audit list'],
              ['Everything done to user 1:', './scripts/audit list --target user:1'],
              ['Failed sign-ins since this morning, as JSON:', './scripts/audit list --action login.failure --from 2026-11-26T00:00:00Z --json'],
              ['What user 2 did:', './scripts/audit list --actor 2'],
            ]),
          ),
      (argv) =>
        context.execute(async (runtime, io) => {
          const [targetType, targetId] = parseTarget(argv.target);
          const page = await runtime.run('audit.list', {
            query: {
              actorId: argv.actor,
              targetType,
              targetId,
              action: argv.action,
              from: parseTime(argv.from, '--from'),
              to: parseTime(argv.to, '--to'),
              skip: argv.skip,
              limit: argv.limit,
            },
          });
          argv.json ? printJson(io, page) : io.out(auditTable(page.items, page.total, page.skip));
        }),
    )
    .demandCommand(1, 'Name a command: list');
}

function parseTarget(text: string | undefined): [string | undefined, string | undefined] {
  if (text === undefined) return [undefined, undefined];
  const match = /^(user|client|ticket)(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new CliUsageError('--target must be user, client or ticket, optionally with :<id> (e.g. user:1)');
  return [match[1], match[2]];
}

function parseTime(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new CliUsageError(`${flag} must be a time in ISO 8601, such as 2026-11-26 or 2026-11-26T09:00:00Z`);
  return time.toISOString();
}

function auditTable(items: Wire<AuditEntryData>[], total: number, skip: number): string {
  const rows = items.map((e) => [
    e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.actorLabel,
    e.channel,
    e.action,
    e.targetType ? `${e.targetType}:${e.targetId}` : '-',
    e.changes ? summarize(e.changes) : '',
  ]);
  const shown = items.length === 0 ? 'No entries' : `Entries ${skip + 1}-${skip + items.length}`;
  return `${table(['AT', 'ACTOR', 'CHANNEL', 'ACTION', 'TARGET', 'CHANGES'], rows)}${shown} of ${total}\n`;
}

function summarize(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([field, change]) => {
      if (typeof change !== 'object' || change === null) return `${field}: ${String(change)}`;
      const { from, to } = change as { from?: unknown; to?: unknown };
      if (from === undefined) return `${field}=${JSON.stringify(to)}`;
      if (to === undefined) return `${field} was ${JSON.stringify(from)}`;
      return `${field}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`;
    })
    .join('; ');
}
