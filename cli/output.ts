import { assertNever } from '../server/domain/access.js';
import type { ErrorCode } from '../server/domain/errors.js';
import type { ImportReport } from '../server/services/user-csv.service.js';
import type { ApiTokenRecord, ClientRecord, SessionRecord, UserPageRecord, UserRecord } from './records.js';

/** Where a command writes: the process's streams, or buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input, whole; `ifTerminal` is the error when it is a terminal (nothing was piped in). */
  readStdin(ifTerminal?: string): Promise<string>;
  /** Is stderr a terminal (someone watching, who may like to see progress)? */
  readonly errIsTerminal: boolean;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get errIsTerminal() {
    return process.stderr.isTTY === true;
  },
  readStdin: async (ifTerminal = '--password-stdin needs the password on standard input (e.g. printf %s "$PASSWORD" | ./scripts/user …)') => {
    if (process.stdin.isTTY) throw new CliUsageError(ifTerminal);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** A mistake in the command line itself (exit 1). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** The exit codes scripts branch on (README: Operator CLI): 1 invalid arguments or input; 3 not found; 4 already exists, conflict or last admin; 5 database unreachable. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'NOT_FOUND':
      return 3;
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
    case 'LAST_ADMIN':
      return 4;
    case 'DATABASE_UNAVAILABLE':
      return 5;
    case 'BAD_USER_INPUT':
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'TOO_MANY_REQUESTS':
    case 'TWO_FACTOR_REQUIRED':
    case 'INTERNAL_SERVER_ERROR':
      return 1;
    default:
      return assertNever(code);
  }
}

/** The API's field names as the CLI's flags, so that a message points at what to retype. */
const FLAG_FOR_FIELD: Record<string, string> = {
  clientIds: '--client-list',
  notificationPreferences: '--notification-preferences',
  name: '--name',
  email: '--email',
  password: '--password',
  roles: '--roles',
  id: 'id',
  userId: 'user_id',
  address: '--address',
  skip: '--skip',
  limit: '--limit',
  search: '--search',
  csv: 'file',
  status: '--status',
  actorId: '--actor',
  targetType: '--target',
  targetId: '--target',
  action: '--action',
  from: '--from',
  to: '--to',
};

export function describeFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([field, problem]) => `${FLAG_FOR_FIELD[field] ?? field}: ${problem}`)
    .join('; ');
}

export const printJson = (io: Io, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);

// Readable output

/** A --help epilogue: each example on its own lines, copyable as written (yargs' columns would cut them). */
export function examples(entries: [string, string][]): string {
  return `Examples:\n${entries.map(([what, command]) => `  ${what}\n    ${command}`).join('\n\n')}`;
}

export function userText(user: UserRecord): string {
  const clients = user.clients.length === 0 ? 'none' : user.clients.map((c) => `${c.name} (${c.id})`).join(', ');
  const prefs = user.notificationPreferences;
  return lines([
    `User ${user.id}`,
    ['Name', user.name],
    ['Email', user.email],
    ['Roles', user.roles.join(', ')],
    ['Client list', clients],
    ['Notifications', `email ${prefs.email ? 'on' : 'off'}, in-app ${prefs.ui ? 'on' : 'off'}`],
    ['Created', user.createdAt],
    ['Updated', user.updatedAt],
    ['Last login', user.lastLoginAt ?? 'never'],
    ['Status', user.status],
    ['Two-factor', user.twoFactorEnabled ? 'on' : 'off'],
  ]);
}

export function clientText(client: ClientRecord): string {
  return lines([`Client ${client.id}`, ['Name', client.name], ['Created', client.createdAt], ['Updated', client.updatedAt]]);
}

export function userTable(page: UserPageRecord): string {
  const rows = page.items.map((u) => [String(u.id), u.name, u.email, u.roles.join(','), u.clientIds.join(',') || '-', u.status]);
  const shown = page.items.length === 0 ? 'No users' : `Users ${page.skip + 1}-${page.skip + page.items.length}`;
  return `${table(['ID', 'NAME', 'EMAIL', 'ROLES', 'CLIENTS', 'STATUS'], rows)}${shown} of ${page.total} (skip ${page.skip}, limit ${page.limit})\n`;
}

/** An ISO time as the tables show it: 2026-12-01 09:30:00Z. */
const time = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function sessionTable(sessions: SessionRecord[]): string {
  const rows = sessions.map((s) => [String(s.id), time(s.createdAt), time(s.lastSeenAt), time(s.expiresAt), s.address ?? '-', s.userAgent ?? '-']);
  return `${table(['ID', 'SIGNED IN', 'LAST SEEN', 'EXPIRES', 'ADDRESS', 'USER AGENT'], rows)}${sessions.length} open session${sessions.length === 1 ? '' : 's'}\n`;
}

export function apiTokenTable(tokens: ApiTokenRecord[], now = Date.now()): string {
  const expiry = (t: ApiTokenRecord) => (t.expiresAt === null ? 'never' : Date.parse(t.expiresAt) <= now ? `expired ${time(t.expiresAt)}` : time(t.expiresAt));
  const rows = tokens.map((t) => [String(t.id), String(t.userId), time(t.createdAt), expiry(t), t.lastUsedAt ? time(t.lastUsedAt) : 'never', t.name]);
  return `${table(['ID', 'USER', 'CREATED', 'EXPIRES', 'LAST USED', 'NAME'], rows)}${tokens.length} API token${tokens.length === 1 ? '' : 's'}\n`;
}

export function clientTable(clients: ClientRecord[]): string {
  const rows = clients.map((c) => [String(c.id), c.name, c.createdAt]);
  return `${table(['ID', 'NAME', 'CREATED'], rows)}${clients.length} client${clients.length === 1 ? '' : 's'}\n`;
}

/** An import's report as people read it: the rows that change or are bad (not the unchanged ones), then the totals. */
export function importReportText(report: ImportReport, dryRun: boolean): string {
  const shown = report.rows.filter((r) => r.action !== 'unchanged');
  const rows = shown.map((r) => [String(r.line), r.action, r.email || '-', r.action === 'error' ? r.error! : r.action === 'created' ? 'invited' : r.changes.join(', ')]);
  const counts = `${report.created} created (invited), ${report.updated} updated, ${report.unchanged} unchanged`;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  let totals: string;
  if (report.errors > 0) totals = `Nothing ${dryRun ? 'would be' : 'was'} imported: ${plural(report.errors, 'row')} of ${report.rows.length} ${report.errors === 1 ? 'has' : 'have'} errors (the others: ${counts})`;
  else if (report.created + report.updated === 0) totals = `Nothing to change: ${plural(report.rows.length, 'row')}, every user as the system has them already`;
  else totals = dryRun ? `Dry run, nothing changed: ${counts} if imported` : `Imported ${plural(report.rows.length, 'row')}: ${counts}`;
  return `${table(['LINE', 'ACTION', 'EMAIL', 'CHANGES OR ERROR'], rows)}${totals}\n`;
}

function lines(entries: (string | [string, string])[]): string {
  return `${entries.map((e) => (typeof e === 'string' ? e : `  ${`${e[0]}:`.padEnd(15)} ${e[1]}`)).join('\n')}\n`;
}

export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return `${[header, ...rows].map(format).join('\n')}\n`;
}
