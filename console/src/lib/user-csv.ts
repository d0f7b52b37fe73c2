// Relative rather than $server/…: the unit tests (tests/console-unit) import this module without SvelteKit's aliases.
import { IMPORT_MAX_BYTES } from '../../../server/domain/limits.js';
import { oneFieldProblem } from './errors.js';
import { mutate, query, type Outcome } from './graphql/client.js';
import { ExportUsersQuery, ImportUsersMutation, type ImportReportData, type ImportRowData, type UserStatus } from './graphql/operations.js';

/**
 * Users as a CSV file (README: Bulk import and export): Export CSV on the users list, and Import's
 * preview and apply. The server decides what a file does, row by row, and applies it all or
 * nothing; this asks, and says what it answered.
 */

export interface ExportFilters {
  search: string;
  status: UserStatus | null;
}

/** The CSV of the users the list shows with these filters, every page of them. */
export async function exportUsers(filters: ExportFilters): Promise<Outcome<string>> {
  const result = await query(ExportUsersQuery, { search: filters.search || null, status: filters.status, clientId: null });
  return result.ok ? { ok: true, value: result.value.exportUsers } : result;
}

/** The downloaded file's name: the day it was made, on the person's own calendar (users-2026-12-03.csv). */
export function exportFileName(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `users-${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}.csv`;
}

/** How many users a CSV holds: its records after the header, counting no line break inside a quoted cell. */
export function csvUserCount(csv: string): number {
  let records = 0;
  let quoted = false;
  let empty = true;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || (c === '\r' && csv[i + 1] !== '\n'))) {
      if (!empty) records++;
      empty = true;
    } else if (c !== '\r') empty = false;
  }
  if (!empty) records++;
  return Math.max(0, records - 1);
}

export function exportedMessage(csv: string, fileName: string): string {
  const count = csvUserCount(csv);
  return `Exported ${count} ${count === 1 ? 'user' : 'users'} to ${fileName}`;
}

export type Checked = { ok: true; report: ImportReportData } | { ok: false; field: string | undefined; failure: string | null };

/**
 * Runs the file through importUsers: with `dryRun`, the report of what it would do. A file refused
 * whole (another header, too many rows, not CSV) is the server's word beside the file field.
 */
export async function importUsers(csv: string, dryRun: boolean): Promise<Checked> {
  const result = await mutate(ImportUsersMutation, { csv, dryRun });
  if (result.ok) return { ok: true, report: result.value.importUsers };
  return { ok: false, ...oneFieldProblem(result.problem, 'csv') };
}

/**
 * The file's text, or why it cannot be sent: a file larger than an import takes would only be
 * refused by the server (or, larger still, by the HTTP limit, saying less), so it is not sent.
 */
export async function readUsersFile(file: File): Promise<{ ok: true; csv: string } | { ok: false; field: string }> {
  if (file.size > IMPORT_MAX_BYTES) return { ok: false, field: `The file is ${file.size} bytes; an import takes at most ${IMPORT_MAX_BYTES} (split the file).` };
  try {
    return { ok: true, csv: await file.text() };
  } catch {
    return { ok: false, field: 'The file could not be read. Choose it again.' };
  }
}

/** What a report means for the page: a file to fix, nothing to do, one ready to apply, or applied. */
export type ImportVerdict = 'errors' | 'nothing' | 'ready' | 'applied';

export function importVerdict(report: ImportReportData): ImportVerdict {
  if (report.applied) return 'applied';
  if (report.errors > 0) return 'errors';
  return report.created + report.updated === 0 ? 'nothing' : 'ready';
}

const users = (n: number) => `${n} ${n === 1 ? 'user' : 'users'}`;
const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

/** "lines 3, 5 and 9"; past `max` lines, "lines 3, 5, 9 and 12 more". */
export function linesText(lines: readonly number[], max = 10): string {
  const shown = lines.slice(0, max);
  const more = lines.length - shown.length;
  const word = lines.length === 1 ? 'line' : 'lines';
  if (more > 0) return `${word} ${shown.join(', ')} and ${more} more`;
  if (shown.length === 1) return `${word} ${shown[0]}`;
  return `${word} ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** What the invitations and updates of a file come to: "2 users will be invited and 1 updated". */
function changesText(report: Pick<ImportReportData, 'created' | 'updated'>, future: boolean): string {
  const verb = (done: string) => (future ? `will be ${done}` : done);
  if (report.created > 0 && report.updated > 0) return `${users(report.created)} ${verb('invited')} and ${report.updated} updated`;
  if (report.created > 0) return `${users(report.created)} ${verb('invited')}`;
  return `${users(report.updated)} ${verb('updated')}`;
}

const nothingToChange = (report: Pick<ImportReportData, 'unchanged'>) => ({ title: 'Nothing to change', detail: `Every row of the file matches its user as they are (${users(report.unchanged)}).` });

/** The report's one sentence, as the page shows it above the totals and as it is announced. */
export function importSummary(report: ImportReportData): { title: string; detail: string } {
  const verdict = importVerdict(report);
  switch (verdict) {
    case 'errors': {
      const bad = report.rows.filter((r) => r.action === 'error').map((r) => r.line);
      return { title: `Nothing was changed: ${rows(report.errors)} ${report.errors === 1 ? 'has an error' : 'have errors'}`, detail: `Fix ${linesText(bad)} of the file, then choose it again. The whole file is imported, or none of it.` };
    }
    case 'nothing':
      return nothingToChange(report);
    case 'ready':
      return { title: `Ready to apply: ${changesText(report, true)}`, detail: 'Nothing has changed yet. Apply imports the whole file; new users are emailed an invitation.' };
    case 'applied': {
      if (report.created + report.updated === 0) return nothingToChange(report);
      const unchanged = report.unchanged > 0 ? ` ${users(report.unchanged)} unchanged.` : '';
      const invited = report.created > 0 ? ` Each new user was sent an invitation email, to choose their password.` : '';
      return { title: `Imported: ${changesText(report, false)}`, detail: `${invited}${unchanged}`.trim() };
    }
    default: {
      const unknown: never = verdict;
      return unknown;
    }
  }
}

const ORDER: Record<ImportRowData['action'], number> = { error: 0, created: 1, updated: 1, unchanged: 2 };

/** The report's rows as the table lists them: the bad ones first, then the changes, then the rest, each in file order; unchanged ones only when asked for. */
export function reportRows(report: Pick<ImportReportData, 'rows'>, withUnchanged: boolean): ImportRowData[] {
  return report.rows.filter((r) => withUnchanged || r.action !== 'unchanged').sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.line - b.line);
}

export const ACTION_LABELS: Record<ImportRowData['action'], string> = { created: 'Created', updated: 'Updated', unchanged: 'Unchanged', error: 'Error' };
