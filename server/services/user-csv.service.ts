import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { EntityManager } from '@mikro-orm/postgresql';
import { diffFields, userAuditSnapshot, type AuditChanges } from '../domain/audit.js';
import { MESSAGES, ValidationError } from '../domain/errors.js';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../domain/limits.js';
import { ROLES, type Role } from '../domain/roles.js';
import { USER_FILE_COLUMNS, escapeCell, joinList, splitList, unescapeCell, type ImportAction, type ImportChangeField } from '../domain/user-file.js';
import { USER_STATUSES, isUserStatus, type UserStatus } from '../domain/user-status.js';
import { FieldProblems, checkEmail, checkName, checkRoles } from '../domain/validation.js';
import type { ActorChanges } from './actor-directory.js';
import type { AccountLinks } from './account-links.js';
import type { AuditEntry, AuditLog } from './audit-log.js';
import type { ServiceContext } from './context.js';
import { requireAdmin } from './guards.js';
import { sendInvitations } from './invitations.js';
import type { Mailing } from './outbox.js';
import { inTransaction } from './persistence.js';
import { findUserSummariesByEmail, type UserSummary } from './user-read-model.js';
import { WRITE_VERDICTS, lockActiveAdmins, type ListUsersQuery, type UserService } from './user.service.js';

/** One row of an import's report (README: Bulk import and export). */
export interface ImportRowReport {
  /** The row's line in the file (the header is line 1). */
  line: number;
  /** As the row has it (lower-cased when it is an email address). */
  email: string;
  action: ImportAction;
  /** For `updated`: what changes, among name, roles and clients. */
  changes: ImportChangeField[];
  /** For `error`: every problem of the row, "field: problem" for a field's, separated by "; ". */
  error: string | null;
}

export interface ImportReport {
  /** Whether the file was applied: false for a dry run, and for a file with any bad row (then nothing changed). */
  applied: boolean;
  rows: ImportRowReport[];
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
}

export interface ImportOptions {
  /** Report what the file would do, and change nothing. */
  dryRun?: boolean;
}

export type ExportFilters = Pick<ListUsersQuery, 'search' | 'status' | 'clientId'>;

/** A row of the file as its cells read, before the database is asked anything. */
interface RowCheck {
  line: number;
  email: string;
  /** Is `email` an address (it may still be a repeat)? */
  emailValid: boolean;
  problems: FieldProblems;
  /** Problems that are no field's: a row of the wrong shape, the last admin. */
  others: string[];
  name?: string;
  roles?: Role[];
  clientNames?: string[];
  status?: UserStatus | null;
}

/** A row planned against the database: what it does. */
interface RowPlan extends RowCheck {
  existing?: UserSummary;
  clientIds?: number[];
  changes: ImportChangeField[];
}

const HEADER = USER_FILE_COLUMNS.join(',');

/**
 * Bulk import and export of users as CSV (README: Bulk import and export): `name,email,roles,clients,status`.
 * An import is one transaction, all or nothing: every row is checked against the whole file and
 * the database first (reading each thing once for all rows), and only a file without a bad row
 * is written, in a few statements whatever its size. New emails are invited as inviteUser invites.
 */
export class UserCsvService {
  constructor(
    private readonly users: UserService,
    private readonly audit: AuditLog,
    /** Told after an import changed users' roles or access lists. */
    private readonly actors: ActorChanges,
    private readonly links: AccountLinks,
    private readonly emails: Mailing,
  ) {}

  /** The CSV of every user `users` lists with these filters (ADMIN, or the operator), in the order of ids. */
  async exportCsv(ctx: ServiceContext, filters: ExportFilters = {}): Promise<string> {
    const users = await this.users.listAll(ctx, filters);
    return stringify([[...USER_FILE_COLUMNS], ...users.map(userRow)], { record_delimiter: '\r\n' });
  }

  /** Applies a users file, or with dryRun only reports what it would do (ADMIN, or the operator). */
  async importCsv(ctx: ServiceContext, csv: string, options: ImportOptions = {}): Promise<ImportReport> {
    requireAdmin(ctx.actor);
    const rows = readRows(csv).map(checkRow);
    markRepeatedEmails(rows);
    const dryRun = options.dryRun === true;
    const outcome = await inTransaction(
      ctx.em,
      async (em) => {
        const plans = await this.plan(em, rows);
        const report = reportOf(plans, !dryRun);
        if (report.applied) await this.apply(em, ctx, plans);
        return { report, changed: plans.filter((p) => p.existing && p.changes.some((c) => c !== 'name')).map((p) => p.existing!.id) };
      },
      WRITE_VERDICTS,
    );
    if (outcome.report.applied) {
      this.actors.changed(outcome.changed);
      if (outcome.report.created > 0) this.emails.afterCommit();
    }
    return outcome.report;
  }

  /** Each row against the database: its clients and its user found (one statement each for the whole file), and the last-admin rule over the file's outcome. */
  private async plan(em: EntityManager, rows: RowCheck[]): Promise<RowPlan[]> {
    const clients = await findClientsByName(em, [...new Set(rows.flatMap((r) => r.clientNames ?? []).map((n) => n.toLowerCase()))]);
    const existing = await findUserSummariesByEmail(em, rows.filter((r) => r.emailValid).map((r) => r.email));
    const activeAdmins = await lockActiveAdmins(em);
    const plans = rows.map((row): RowPlan => {
      const plan: RowPlan = { ...row, existing: row.emailValid ? existing.get(row.email) : undefined, changes: [] };
      if (row.clientNames) {
        const unknown = row.clientNames.filter((n) => !clients.has(n.toLowerCase()));
        if (unknown.length > 0) row.problems.add('clients', `no client named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
        else plan.clientIds = [...new Set(row.clientNames.map((n) => clients.get(n.toLowerCase())!))].sort((a, b) => a - b);
      }
      checkStatus(plan);
      if (plan.existing) plan.changes = changesOf(plan.existing, plan);
      return plan;
    });
    // Evaluated over the whole file: demoting one admin is fine while another stays.
    const demoting = plans.filter((p) => p.existing && activeAdmins.includes(p.existing.id) && p.roles && !p.roles.includes('admin'));
    const demoted = new Set(demoting.map((p) => p.existing!.id));
    if (demoting.length > 0 && activeAdmins.every((id) => demoted.has(id))) for (const p of demoting) p.others.push(MESSAGES.lastAdmin);
    return plans;
  }

  /** Inside the transaction, for a file without a bad row: the new users invited, the others changed, each audited as a single change is, and the import itself. */
  private async apply(em: EntityManager, ctx: ServiceContext, plans: RowPlan[]): Promise<void> {
    const created = plans.filter((p) => !p.existing);
    const updated = plans.filter((p) => p.existing && p.changes.length > 0);
    const entries: AuditEntry[] = [];

    if (created.length > 0) {
      const ids = await insertInvitedUsers(em, created);
      await replaceAccessLists(em, created.map((p) => ({ userId: ids.get(p.email)!, clientIds: p.clientIds! })));
      const invitees = created.map((p) => ({ id: ids.get(p.email)!, email: p.email, name: p.name!, roles: p.roles!, clientNames: p.clientNames! }));
      await sendInvitations(em, ctx, this.links, this.emails, invitees);
      for (const p of created) {
        const after = userAuditSnapshot({ name: p.name!, email: p.email, roles: p.roles!, clientIds: p.clientIds!, notificationPreferences: { email: true, ui: true } });
        entries.push({ action: 'user.invite', targetType: 'user', targetId: ids.get(p.email)!, targetLabel: p.email, changes: diffFields({}, after) });
      }
    }

    if (updated.length > 0) {
      await em.execute(
        `update "users" u set "name" = v."name", "roles" = v."roles", "updated_at" = now()
           from json_to_recordset(?::json) as v("id" int, "name" text, "roles" text[]) where u."id" = v."id"`,
        [JSON.stringify(updated.map((p) => ({ id: p.existing!.id, name: p.name, roles: p.roles })))],
      );
      await replaceAccessLists(em, updated.filter((p) => p.changes.includes('clients')).map((p) => ({ userId: p.existing!.id, clientIds: p.clientIds! })), true);
      for (const p of updated) entries.push({ action: 'user.update', targetType: 'user', targetId: p.existing!.id, targetLabel: p.email, changes: updateChanges(p) });
    }

    const counts = reportOf(plans, true);
    entries.push({ action: 'user.import', changes: { rows: String(plans.length), created: `${counts.created} invited`, updated: String(counts.updated), unchanged: String(counts.unchanged) } });
    await this.audit.recordMany(em, ctx, entries);
  }
}

/** A user as a row of the file: every cell guarded against being read as a formula. */
function userRow(user: UserSummary): string[] {
  const roles = ROLES.filter((r) => user.roles.includes(r));
  const clients = user.clients.map((c) => c.name).sort((a, b) => a.localeCompare(b));
  return [user.name, user.email, joinList(roles), joinList(clients), user.status].map(escapeCell);
}

/**
 * The file's rows after its header, each with the line it starts on; UTF-8 with or without a
 * byte-order mark, lines ending in CRLF or LF, empty lines skipped. A file that is not CSV, has
 * another header, or is too large is refused whole (BAD_USER_INPUT, fields.csv).
 */
function readRows(csv: string): { line: number; cells: string[] }[] {
  const bytes = Buffer.from(csv, 'utf8');
  if (bytes.length > IMPORT_MAX_BYTES) throw new ValidationError({ csv: `is ${bytes.length} bytes; an import takes at most ${IMPORT_MAX_BYTES} (split the file)` });
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(csv, { bom: true, info: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw new ValidationError({ csv: `is not valid CSV: ${error.message}` });
    throw error;
  }
  // A record starts where the one before it ended (info.bytes counts the bytes read, its line break included).
  const lineAt = lineCounter(bytes);
  const rows: { line: number; cells: string[] }[] = [];
  let start = 0;
  for (const { record, info } of records) {
    const line = lineAt(start);
    start = info.bytes;
    if (record.length === 1 && record[0]!.trim() === '') continue;
    rows.push({ line, cells: record });
  }
  const header = rows.shift();
  const got = header?.cells.map((c) => c.trim().toLowerCase()).join(',');
  if (got !== HEADER) throw new ValidationError({ csv: header ? `must start with the header line "${HEADER}", not "${header.cells.join(',')}"` : `is empty: it must start with the header line "${HEADER}"` });
  if (rows.length > IMPORT_MAX_ROWS) throw new ValidationError({ csv: `has ${rows.length} rows; an import takes at most ${IMPORT_MAX_ROWS} (split the file)` });
  return rows;
}

/** The line (from 1) of a byte offset. */
function lineCounter(bytes: Buffer): (offset: number) => number {
  let line = 1;
  let at = 0;
  // Offsets are asked for in increasing order.
  return (offset) => {
    for (; at < offset && at < bytes.length; at++) if (bytes[at] === 0x0a) line++;
    return line;
  };
}

/** A row's cells checked by the API's own rules, and each other's; nothing asked of the database yet. */
function checkRow({ line, cells }: { line: number; cells: string[] }): RowCheck {
  const problems = new FieldProblems();
  if (cells.length !== USER_FILE_COLUMNS.length) {
    return { line, email: (cells[1] ?? '').trim().toLowerCase(), emailValid: false, problems, others: [`has ${cells.length} column${cells.length === 1 ? '' : 's'}; a row has ${USER_FILE_COLUMNS.length}: ${HEADER}`] };
  }
  const [name, email, roles, clients, status] = cells.map(unescapeCell) as [string, string, string, string, string];
  const checkedEmail = problems.take('email', checkEmail(email));
  const statusText = status.trim().toLowerCase();
  if (statusText !== '' && !isUserStatus(statusText)) problems.add('status', `must be empty or one of ${USER_STATUSES.join(', ')}`);
  const names = new Map<string, string>();
  for (const client of splitList(clients)) if (!names.has(client.toLowerCase())) names.set(client.toLowerCase(), client);
  return {
    line,
    email: checkedEmail ?? email.trim().toLowerCase(),
    emailValid: checkedEmail !== undefined,
    problems,
    others: [],
    name: problems.take('name', checkName(name)),
    roles: problems.take('roles', checkRoles(splitList(roles))),
    clientNames: [...names.values()],
    status: statusText === '' ? null : isUserStatus(statusText) ? statusText : undefined,
  };
}

/** An email on two rows: the later one is a bad row that names the first. */
function markRepeatedEmails(rows: RowCheck[]): void {
  const first = new Map<string, number>();
  for (const row of rows) {
    if (!row.emailValid) continue;
    const line = first.get(row.email);
    if (line === undefined) first.set(row.email, row.line);
    else row.problems.add('email', `is also on line ${line}: a user appears once in a file`);
  }
}

/** `status` may be empty or what the user's status is: an import changes no status (a new user is invited). */
function checkStatus(plan: RowPlan): void {
  if (plan.status == null) return;
  const current: UserStatus = plan.existing?.status ?? 'invited';
  if (plan.status === current) return;
  plan.problems.add('status', plan.existing ? `is ${current}, not ${plan.status}: an import changes no status (leave it empty)` : `must be empty or invited for a new user (they are invited), not ${plan.status}`);
}

function changesOf(user: UserSummary, plan: RowPlan): ImportChangeField[] {
  const changes: ImportChangeField[] = [];
  if (plan.name !== undefined && plan.name !== user.name) changes.push('name');
  if (plan.roles !== undefined && !sameSet(plan.roles, user.roles)) changes.push('roles');
  if (plan.clientIds !== undefined && !sameSet(plan.clientIds, user.clients.map((c) => c.id))) changes.push('clients');
  return changes;
}

const sameSet = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** What the audit log records of an updated user: as updateUser's entry reads. */
function updateChanges(plan: RowPlan): AuditChanges {
  const user = plan.existing!;
  const fields = { email: user.email, notificationPreferences: { email: user.notifyByEmail, ui: user.notifyInUi } };
  const before = userAuditSnapshot({ ...fields, name: user.name, roles: user.roles, clientIds: user.clients.map((c) => c.id) });
  const after = userAuditSnapshot({ ...fields, name: plan.name!, roles: plan.roles!, clientIds: plan.clientIds! });
  return diffFields(before, after);
}

function reportOf(plans: RowPlan[], apply: boolean): ImportReport {
  const rows = plans.map((p): ImportRowReport => {
    const problems = [...USER_FILE_COLUMNS.flatMap((c) => (p.problems.fields[c] ? [`${c}: ${p.problems.fields[c]}`] : [])), ...p.others];
    if (problems.length > 0) return { line: p.line, email: p.email, action: 'error', changes: [], error: problems.join('; ') };
    const action: ImportAction = !p.existing ? 'created' : p.changes.length > 0 ? 'updated' : 'unchanged';
    return { line: p.line, email: p.email, action, changes: p.changes, error: null };
  });
  const count = (action: ImportAction) => rows.filter((r) => r.action === action).length;
  const errors = count('error');
  return { applied: apply && errors === 0, rows, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), errors };
}

/** Clients by name, whatever its case, in one statement: lower-cased name → id. */
async function findClientsByName(em: EntityManager, lowerNames: readonly string[]): Promise<Map<string, number>> {
  if (lowerNames.length === 0) return new Map();
  const rows = await em.execute<{ id: number; name: string }[]>(`select "id", lower("name") as "name" from "clients" where lower("name") in (select json_array_elements_text(?::json))`, [JSON.stringify(lowerNames)]);
  return new Map(rows.map((r) => [r.name, Number(r.id)]));
}

/** The new users, INVITED and without a password, in one statement: email → id. */
async function insertInvitedUsers(em: EntityManager, plans: RowPlan[]): Promise<Map<string, number>> {
  const rows = await em.execute<{ id: number; email: string }[]>(
    `insert into "users" ("name", "email", "password_hash", "roles", "notify_by_email", "notify_in_ui", "status", "created_at", "updated_at")
       select v."name", v."email", null, v."roles", true, true, 'invited', now(), now() from json_to_recordset(?::json) as v("name" text, "email" text, "roles" text[])
       returning "id", "email"`,
    [JSON.stringify(plans.map((p) => ({ name: p.name, email: p.email, roles: p.roles })))],
  );
  return new Map(rows.map((r) => [r.email, Number(r.id)]));
}

/** Each user's access list becomes the one given, in two statements for all of them (`replace`: the old lists go first). */
async function replaceAccessLists(em: EntityManager, lists: { userId: number; clientIds: number[] }[], replace = false): Promise<void> {
  if (lists.length === 0) return;
  if (replace) await em.execute(`delete from "user_clients" where "user_id" in (select value::int from json_array_elements_text(?::json))`, [JSON.stringify(lists.map((l) => l.userId))]);
  const pairs = lists.flatMap((l) => l.clientIds.map((clientId) => ({ user_id: l.userId, client_id: clientId })));
  if (pairs.length === 0) return;
  await em.execute(`insert into "user_clients" ("user_id", "client_id") select "user_id", "client_id" from json_to_recordset(?::json) as v("user_id" int, "client_id" int)`, [JSON.stringify(pairs)]);
}
